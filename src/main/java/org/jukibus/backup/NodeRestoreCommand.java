package org.jukibus.backup;

import java.nio.file.Path;
import java.time.Clock;

import org.jukibus.cli.Subcommand;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jukibus node restore}: a node back from its backup archive, into an empty home and store. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Restore a node from an archive made by 'jukibus node backup': every file goes back to where the "
                + "backup found it, the store is migrated and gets the backup's rows. Then start the node as usual.",
                "Checks the whole archive first (a cut-off or damaged archive is refused and nothing is written); the "
                        + "node's home must be empty or absent and its store (embedded, or the database jukibus.store.url "
                        + "names) empty; existing files outside the home are left alone if identical and refused otherwise.",
                "The restore is recorded in the node's operation log."})
public class NodeRestoreCommand extends Subcommand {

    @Option(names = "--archive", required = true, paramLabel = "FILE", description = "the backup archive")
    Path archive;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "the file holding the archive's passphrase (default: the environment variable JUKIBUS_BACKUP_PASSPHRASE)")
    Path passphraseFile;

    @Option(names = "--retention", paramLabel = "PERIOD", defaultValue = "P90D",
            description = "for an unencrypted archive made before backups were encrypted, which carries no expiry: how long "
                    + "after it was made it may still be restored (ISO-8601 period, default ${DEFAULT-VALUE}; use the node's "
                    + "jukibus.backup.retention)")
    java.time.Period plainRetention;

    @Override
    protected int run() throws Exception {
        NodeRestore.Result r = NodeRestore.restore(archive, BackupProperties.passphrase(passphraseFile), plainRetention,
                "operator:" + System.getProperty("user.name"), Clock.systemUTC());
        out().printf("restored %s node %s (backup of %s) into %s: %d files written (%d already in place), "
                        + "%d store rows; start it with 'jukibus node --config %s'%n", r.manifest().role(), r.manifest().code(),
                r.manifest().createdAt(), r.manifest().home(), r.files(), r.unchanged(), r.rows(), r.manifest().configFile());
        return 0;
    }
}
