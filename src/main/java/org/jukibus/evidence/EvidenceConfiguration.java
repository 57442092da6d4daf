package org.jukibus.evidence;

import java.time.Clock;

import org.jukibus.directory.NetworkTrust;
import org.jukibus.core.NodeSettings;
import org.jukibus.pki.Pem;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The evidence store on every node (every node receives signed envelopes). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EvidenceProperties.class)
public class EvidenceConfiguration {

    @Bean
    EvidenceStore evidenceStore(NodeSettings settings, NetworkTrust trust, EvidenceProperties properties, Clock clock)
            throws java.io.IOException {
        java.nio.file.Path root = settings.home().resolve(EvidenceStore.FOLDER);
        TrustVersions versions = new TrustVersions(root, settings.home().resolve("trust"), Pem.readCertificate(settings.rootCa()))
                .follow(trust);
        return new EvidenceStore(root, versions, properties.retention(), clock);
    }
}
