package org.jukibus.flow.changeinfo;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code jukibus.liaison.*} on the liaison node: where and to whom it hands the change info on. */
@ConfigurationProperties("jukibus.liaison")
public class LiaisonProperties {

    /** The certification authority's HTTPS endpoint for change info. */
    private URI caEndpoint;
    /**
     * The authority's feed of certificate holders ({@code schemas/certificate-holders.xsd}), read over the same
     * mutual-TLS link; by default {@code certificate-holders} beside the change-info endpoint.
     */
    private URI caHoldersEndpoint;
    /** The authority's certificate (PEM, EC P-256, issued by the network's root CA): the change info is encrypted to it. */
    private Path caCertificate;
    /** The authority's code in the envelope header (Recipient), 2–16 of [0-9A-Za-z-]. */
    private String caCode = "jpki-ca";
    /** How long to wait for the authority to connect and to answer. */
    private Duration caTimeout = Duration.ofSeconds(30);

    public URI getCaEndpoint() { return caEndpoint; }
    public void setCaEndpoint(URI caEndpoint) { this.caEndpoint = caEndpoint; }
    public URI getCaHoldersEndpoint() {
        return caHoldersEndpoint != null || caEndpoint == null ? caHoldersEndpoint : caEndpoint.resolve("certificate-holders");
    }
    public void setCaHoldersEndpoint(URI caHoldersEndpoint) { this.caHoldersEndpoint = caHoldersEndpoint; }
    public Path getCaCertificate() { return caCertificate; }
    public void setCaCertificate(Path caCertificate) { this.caCertificate = caCertificate; }
    public String getCaCode() { return caCode; }
    public void setCaCode(String caCode) { this.caCode = caCode; }
    public Duration getCaTimeout() { return caTimeout; }
    public void setCaTimeout(Duration caTimeout) { this.caTimeout = caTimeout; }
}
