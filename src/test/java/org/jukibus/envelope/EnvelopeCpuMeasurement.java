package org.jukibus.envelope;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;

import org.jukibus.xml.SecureXml;

/**
 * A JMH-free micro measurement of the envelope work of one notice: the sender's payload parse and
 * validation, seal, and the recipient's open, in one thread, reported as CPU milliseconds per seal+open
 * (the thread's CPU time, so other processes on a shared machine inflate it less than wall time would).
 * Not a test: run it by hand (docs/testing.md) to compare two builds,
 * {@code java -cp target/test-classes:target/classes:<dependencies> org.jukibus.envelope.EnvelopeCpuMeasurement [rounds]}.
 */
public final class EnvelopeCpuMeasurement {

    private EnvelopeCpuMeasurement() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        TestKeys.NodeKeys a = TestKeys.node(Fixtures.SENDER);
        TestKeys.NodeKeys b = TestKeys.node(Fixtures.RECIPIENT);
        Instant now = Instant.parse("2026-04-01T09:00:00.123Z");
        EnvelopeSealer sealer = new EnvelopeSealer();
        EnvelopeOpener opener = EnvelopeOpener.builder().ownCode(b.code()).ownKey(b.privateKey()).ownCertificate(b.certificate())
                .senderCertificates(TestKeys.directory(a, b)).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
        PayloadTypes types = PayloadTypes.defaults();
        byte[] notice = Fixtures.notice(Fixtures.RESIDENT_CODE).getBytes(StandardCharsets.UTF_8);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();

        loop(perRound * 2, sealer, opener, types, notice, a, b, now); // warm-up
        double[] seal = new double[rounds];
        double[] open = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long sealNs = 0;
            long openNs = 0;
            for (int i = 0; i < perRound; i++) {
                long t0 = cpu.getCurrentThreadCpuTime();
                byte[] sealed = sealOne(sealer, types, notice, a, b, now);
                long t1 = cpu.getCurrentThreadCpuTime();
                opener.open(sealed);
                long t2 = cpu.getCurrentThreadCpuTime();
                sealNs += t1 - t0;
                openNs += t2 - t1;
            }
            seal[r] = sealNs / 1e6 / perRound;
            open[r] = openNs / 1e6 / perRound;
            System.out.printf("round %d: seal %.3f ms, open %.3f ms, seal+open %.3f ms CPU%n",
                    r + 1, seal[r], open[r], seal[r] + open[r]);
        }
        Arrays.sort(seal);
        Arrays.sort(open);
        System.out.printf("median of %d rounds of %d: seal %.3f ms, open %.3f ms CPU (one thread)%n",
                rounds, perRound, seal[rounds / 2], open[rounds / 2]);
    }

    private static void loop(int n, EnvelopeSealer sealer, EnvelopeOpener opener, PayloadTypes types, byte[] notice,
                             TestKeys.NodeKeys a, TestKeys.NodeKeys b, Instant now) throws Exception {
        for (int i = 0; i < n; i++) {
            opener.open(sealOne(sealer, types, notice, a, b, now));
        }
    }

    /** What a sending node does to a legacy notice: parse, validate (as NodeEnvelopes.parsePayload), seal. */
    private static byte[] sealOne(EnvelopeSealer sealer, PayloadTypes types, byte[] notice, TestKeys.NodeKeys a,
                                  TestKeys.NodeKeys b, Instant now) throws Exception {
        PayloadTypes.PayloadType type = types.find("TransferInNotice").orElseThrow();
        var payload = SecureXml.parse(notice);
        org.jukibus.xml.Schemas.validate(type.schemaFile(), payload);
        return sealer.seal(Fixtures.header(now), payload, a.privateKey(), a.certificate(), b.certificate());
    }
}
