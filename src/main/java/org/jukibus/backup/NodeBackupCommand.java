package org.jukibus.backup;

import java.nio.file.Path;
import java.time.Clock;

import org.jukibus.cli.Subcommand;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jukibus node backup}: a stopped node's journal, store rows, operation log, keys and config in one archive. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Back up a STOPPED node into one zip archive: its home (broker journal with the messages still "
                + "waiting, operation log, legacy folders), every row of its store, its config file and the files it names "
                + "(key store, trust store, password files, directory, CA certificate, CRL).",
                "The node must be stopped: its journal is copied as files. The backup is recorded in its operation log.",
                "The archive holds the node's private key, passwords and personal data: it is written owner-only (0600) and "
                        + "encrypted (AES-256-GCM, passphrase from jukibus.backup.passphrase-file or JUKIBUS_BACKUP_PASSPHRASE), "
                        + "and expires after jukibus.backup.retention (default 90 days).",
                "Restore it with 'jukibus node restore --archive FILE'."})
public class NodeBackupCommand extends Subcommand {

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the node's config file")
    Path config;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the archive to write (.zip; must not exist, not inside the node's home)")
    Path out;

    @Override
    protected int run() throws Exception {
        NodeBackup.Result r = NodeBackup.create(config, out, "operator:" + System.getProperty("user.name"), Clock.systemUTC());
        out().printf("backed up %s node %s to %s: %d files, %d store tables with %d rows, %d bytes%n",
                r.manifest().role(), r.manifest().code(), r.archive(), r.files(), r.tables(), r.rows(), r.bytes());
        out().println("encrypted with AES-256-GCM (passphrase: jukibus.backup.passphrase-file or JUKIBUS_BACKUP_PASSPHRASE); "
                + "expires at " + r.expiresAt() + ": a restore refuses it after that, and the node's erasure deletes it from jukibus.backup.dir");
        out().println("WARNING: the archive holds the node's private key and passwords (mode 0600): keep the passphrase apart from it");
        return 0;
    }
}
