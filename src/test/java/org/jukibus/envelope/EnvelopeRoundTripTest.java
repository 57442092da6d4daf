package org.jukibus.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class EnvelopeRoundTripTest {

    final TestKeys.NodeKeys a = TestKeys.node(Fixtures.SENDER);
    final TestKeys.NodeKeys b = TestKeys.node(Fixtures.RECIPIENT);
    final Instant now = Instant.parse("2026-04-01T09:00:00.123Z");

    @Test
    void sealThenOpenGivesBackHeaderAndPayload() throws Exception {
        EnvelopeHeader header = Fixtures.header(now);
        Document payload = Fixtures.noticeDoc();
        byte[] sealed = new EnvelopeSealer().seal(header, payload, a.privateKey(), a.certificate(), b.certificate());

        EnvelopeOpener opener = EnvelopeOpener.builder().ownCode(b.code()).ownKey(b.privateKey()).ownCertificate(b.certificate())
                .senderCertificates(TestKeys.directory(a, b)).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
        OpenedEnvelope opened = opener.open(sealed);
        assertThat(opened.header()).isEqualTo(header);
        assertThat(opened.payload().getDocumentElement().isEqualNode(payload.getDocumentElement())).isTrue();
    }
}
