package org.jukibus.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A node's configuration checked once at start-up: every required setting present, every file
 * there, so a misconfigured node stops with one message listing everything that is wrong.
 */
public record NodeSettings(NodeRole role, String code, Path home, Path legacyRoot, Path brokerConfigDir,
                           Path keystore, Path truststore, String storePassword, Path rootCa, Path crl,
                           Path directoryFile, String localSecret) {

    public static NodeSettings from(NodeProperties p) throws IOException {
        List<String> problems = new ArrayList<>();
        if (p.getRole() == null) {
            problems.add("jukibus.role is not set (municipal, prefecture, central or liaison)");
        }
        if (p.getCode() == null || p.getCode().isBlank()) {
            problems.add("jukibus.code is not set");
        } else if (p.getRole() != null) {
            try {
                NodeCodes.requireValid(p.getRole(), p.getCode());
            } catch (IllegalArgumentException e) {
                problems.add("jukibus.code: " + e.getMessage());
            }
        }
        if (p.getHome() == null) {
            problems.add("jukibus.home is not set (the node's data directory)");
        }
        requireFile(problems, "jukibus.pki.keystore", p.getPki().getKeystore());
        requireFile(problems, "jukibus.pki.truststore", p.getPki().getTruststore());
        requireFile(problems, "jukibus.pki.password-file", p.getPki().getPasswordFile());
        requireFile(problems, "jukibus.pki.root-ca", p.getPki().getRootCa());
        requireFile(problems, "jukibus.pki.crl", p.getPki().getCrl());
        requireFile(problems, "jukibus.directory.file", p.getDirectory().getFile());
        if (p.getBrokerConfigDir() == null || !Files.isDirectory(p.getBrokerConfigDir())) {
            problems.add("jukibus.broker-config-dir: " + p.getBrokerConfigDir() + " is not a directory");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("node configuration is incomplete:\n  - " + String.join("\n  - ", problems));
        }
        String password = Files.readAllLines(p.getPki().getPasswordFile(), StandardCharsets.UTF_8).stream()
                .findFirst().orElse("").trim();
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        Files.createDirectories(p.getHome());
        return new NodeSettings(p.getRole(), p.getCode(), p.getHome(), p.legacyRoot(), p.getBrokerConfigDir(),
                p.getPki().getKeystore(), p.getPki().getTruststore(), password, p.getPki().getRootCa(),
                p.getPki().getCrl(), p.getDirectory().getFile(), Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    private static void requireFile(List<String> problems, String key, Path file) {
        if (file == null) {
            problems.add(key + " is not set");
        } else if (!Files.isRegularFile(file)) {
            problems.add(key + ": " + file.toAbsolutePath() + " does not exist");
        }
    }

    @Override
    public String toString() { // never print the secrets
        return "NodeSettings[" + role + " " + code + " home=" + home + "]";
    }
}
