package org.jukibus.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.jukibus.clock.NodeClock;
import org.junit.jupiter.api.Test;

/**
 * Certificates and clocks over months: the sender's certificate is checked at the envelope's verified createdAt (not at
 * the recipient's now), and an envelope made ahead of the recipient's clock is refused with its verified header, so its
 * signer can be told. The recipient reads the node's movable clock ({@link NodeClock}), moved as a drill would.
 */
class EnvelopeTimeTest {

    static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    /** The opener's defaults: maxAge 24 h, maxFuture 5 min. */
    static final Duration MAX_AGE = Duration.ofHours(24);

    final TestKeys.NodeKeys b = TestKeys.node(Fixtures.RECIPIENT);
    final TestKeys.NodeKeys a = TestKeys.node(Fixtures.SENDER);
    /** The sender's certificate of the last year, expiring at T0. */
    final TestKeys.NodeKeys old = TestKeys.certified(a, TestKeys.ecKeyPair(), T0.minus(Duration.ofDays(365)), T0);
    /** Its renewal with a new key, valid from a week before T0. */
    final TestKeys.NodeKeys renewed = TestKeys.certified(a, TestKeys.ecKeyPair(), T0.minus(Duration.ofDays(7)),
            T0.plus(Duration.ofDays(365)));
    final EnvelopeSealer sealer = new EnvelopeSealer();
    final NodeClock clock = new NodeClock(Clock.fixed(T0, ZoneOffset.UTC), Duration.ZERO);

    EnvelopeOpener opener(X509Certificate... senderCertificates) {
        List<X509Certificate> certs = List.of(senderCertificates);
        return EnvelopeOpener.builder().ownCode(b.code()).ownKey(b.privateKey()).ownCertificate(b.certificate())
                .senderCertificates(code -> code.equals(Fixtures.SENDER) ? certs : List.of()).clock(clock).build();
    }

    byte[] sealedBy(TestKeys.NodeKeys signer, Instant createdAt) throws Exception {
        return sealer.seal(Fixtures.header(createdAt), Fixtures.noticeDoc(), signer.privateKey(), signer.certificate(),
                b.certificate());
    }

    static EnvelopeRejectedException rejection(EnvelopeOpener opener, byte[] envelope) {
        EnvelopeRejectedException e = catchThrowableOfType(EnvelopeRejectedException.class, () -> opener.open(envelope));
        assertThat(e).as("envelope must be refused").isNotNull();
        return e;
    }

    @Test
    void an_envelope_sealed_under_a_valid_certificate_is_delivered_after_the_certificate_expired() throws Exception {
        byte[] envelope = sealedBy(old, T0.minus(Duration.ofHours(2))); // sealed, then its recipient was down
        clock.moveTo(Duration.ofHours(20)); // delivered 22 hours later, 20 hours after the certificate expired

        assertThat(opener(old.certificate(), renewed.certificate()).open(envelope).header().sender()).isEqualTo(Fixtures.SENDER);
        assertThat(opener(old.certificate()).open(envelope)).as("the old certificate alone").isNotNull();
    }

    @Test
    void an_envelope_sealed_after_the_signing_certificate_expired_is_refused_with_its_verified_header() throws Exception {
        byte[] envelope = sealedBy(old, T0.plusSeconds(1));

        EnvelopeRejectedException refused = rejection(opener(old.certificate(), renewed.certificate()), envelope);

        assertThat(refused.reason()).isEqualTo(RejectionReason.SENDER_CERTIFICATE_EXPIRED);
        assertThat(refused.getMessage()).contains("expired at " + T0).contains(Fixtures.SENDER)
                .contains(old.certificate().getSerialNumber().toString(16));
        assertThat(refused.signedHeader()).as("signed: its signer may be told").isNotNull();
        assertThat(refused.signedHeader().sender()).isEqualTo(Fixtures.SENDER);
        // the same instant under the renewed key, valid then, is delivered
        assertThat(opener(old.certificate(), renewed.certificate()).open(sealedBy(renewed, T0.plusSeconds(1)))).isNotNull();
    }

    @Test
    void an_envelope_sealed_before_the_signing_certificate_was_valid_is_refused() throws Exception {
        clock.moveTo(Duration.ofDays(-8));
        byte[] envelope = sealedBy(renewed, clock.instant()); // a day before the renewed certificate's notBefore

        EnvelopeRejectedException refused = rejection(opener(old.certificate(), renewed.certificate()), envelope);

        assertThat(refused.reason()).isEqualTo(RejectionReason.SENDER_CERTIFICATE_NOT_YET_VALID);
        assertThat(refused.getMessage()).contains("valid only from " + renewed.certificate().getNotBefore().toInstant());
        assertThat(refused.signedHeader()).isNotNull();
        // the old key was still the valid one then
        assertThat(opener(old.certificate(), renewed.certificate()).open(sealedBy(old, clock.instant()))).isNotNull();
    }

    /**
     * Review L3: notBefore gets the clock skew allowed for createdAt (maxFuture, 5 min). A renewed node whose clock is
     * a minute behind the CA's switches to its new key at once: its createdAt a minute before notBefore is accepted; one
     * more than the skew before it is still refused.
     */
    @Test
    void a_created_at_within_the_allowed_clock_skew_before_not_before_is_accepted() throws Exception {
        TestKeys.NodeKeys justIssued = TestKeys.certified(a, TestKeys.ecKeyPair(), T0, T0.plus(Duration.ofDays(365)));
        EnvelopeOpener opener = opener(old.certificate(), justIssued.certificate());

        assertThat(opener.open(sealedBy(justIssued, T0.minus(Duration.ofMinutes(1)))).header().sender()).isEqualTo(Fixtures.SENDER);
        assertThat(opener.open(sealedBy(justIssued, T0.minus(Duration.ofMinutes(5))))).as("the bound is inclusive").isNotNull();
        EnvelopeRejectedException refused = rejection(opener, sealedBy(justIssued, T0.minus(Duration.ofMinutes(5)).minusSeconds(1)));
        assertThat(refused.reason()).isEqualTo(RejectionReason.SENDER_CERTIFICATE_NOT_YET_VALID);
        assertThat(refused.getMessage()).contains("less PT5M of clock skew");
    }

    @Test
    void a_renewal_that_kept_the_key_counts_either_certificate() throws Exception {
        TestKeys.NodeKeys sameKey = TestKeys.certified(a, old.keyPair(), T0.minus(Duration.ofDays(1)), T0.plus(Duration.ofDays(365)));
        byte[] envelope = sealedBy(old, T0.plus(Duration.ofHours(1))); // after the first certificate for that key expired
        clock.moveTo(Duration.ofHours(2));

        assertThat(opener(old.certificate(), sameKey.certificate()).open(envelope)).isNotNull();
        assertThat(rejection(opener(old.certificate()), envelope).reason()).isEqualTo(RejectionReason.SENDER_CERTIFICATE_EXPIRED);
    }

    /**
     * The Javadoc's argument, EnvelopeOpener "Back-dating": an old key whose holder back-dates createdAt into its
     * certificate's validity passes only while now is within maxAge of the certificate's notAfter; after that the
     * age check refuses it whatever it claims.
     */
    @Test
    void back_dating_into_an_expired_certificate_is_bounded_by_the_maximum_age() throws Exception {
        byte[] backDated = sealedBy(old, T0.minusSeconds(1));
        EnvelopeOpener opener = opener(old.certificate(), renewed.certificate());

        clock.moveTo(MAX_AGE.minusSeconds(2)); // now within maxAge of the expiry: a message that could have waited
        assertThat(opener.open(backDated)).isNotNull();

        clock.moveTo(MAX_AGE.plusSeconds(1)); // any createdAt inside the old validity is now too old
        assertThat(rejection(opener, backDated).reason()).isEqualTo(RejectionReason.EXPIRED);
        assertThat(rejection(opener, sealedBy(old, clock.instant())).reason()).isEqualTo(RejectionReason.SENDER_CERTIFICATE_EXPIRED);
    }

    @Test
    void an_envelope_dated_ahead_of_the_recipients_clock_is_refused_as_clock_ahead_with_both_times() throws Exception {
        Instant created = T0.plus(Duration.ofMinutes(5)).plusSeconds(1);
        byte[] envelope = sealedBy(renewed, created);

        EnvelopeRejectedException refused = rejection(opener(renewed.certificate()), envelope);

        assertThat(refused.reason()).isEqualTo(RejectionReason.CLOCK_AHEAD);
        assertThat(refused.getMessage()).contains("created at " + created).contains("now " + T0);
        assertThat(refused.signedHeader()).as("verified: its signer may be told").isNotNull();
        assertThat(refused.signedHeader().createdAt()).isEqualTo(created);
        // within the allowed skew it is opened; and once the recipient's clock catches up, too: the opener does not
        // know it was refused and told before, the seen messages do (flow.SeenMessages#recordTold, ExpiredEnvelopeNoticeTest)
        assertThat(opener(renewed.certificate()).open(sealedBy(renewed, T0.plus(Duration.ofMinutes(5))))).isNotNull();
        clock.moveTo(Duration.ofMinutes(1));
        assertThat(opener(renewed.certificate()).open(envelope)).isNotNull();
    }

    @Test
    void a_future_dated_envelope_whose_signature_does_not_verify_carries_no_header() throws Exception {
        byte[] envelope = sealedBy(TestKeys.certified(a, TestKeys.ecKeyPair(), T0.minus(Duration.ofDays(1)), T0.plus(Duration.ofDays(1))),
                T0.plus(Duration.ofDays(1)));

        EnvelopeRejectedException refused = rejection(opener(renewed.certificate()), envelope);

        assertThat(refused.reason()).as("the signature is checked before the time").isEqualTo(RejectionReason.BAD_SIGNATURE);
        assertThat(refused.signedHeader()).isNull();
    }
}
