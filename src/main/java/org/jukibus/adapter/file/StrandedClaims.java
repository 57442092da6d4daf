package org.jukibus.adapter.file;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives back to a drop folder the files a killed node had claimed and not released. The file
 * consumer's {@code readLock=rename} claims a file by renaming it to
 * {@code <name>.camelExclusiveReadLock} and renames it back at once; a node killed between the two
 * renames (a power cut) leaves it under the claim name, which the folder's {@code include} pattern
 * never matches again: the notice would wait there for ever, sent by nobody and reported by nobody.
 * Run before the folder's first look, when no claim of this process can exist yet.
 */
final class StrandedClaims {

    /** The suffix Camel's {@code GenericFileRenameExclusiveReadLockStrategy} appends while it claims a file. */
    static final String CLAIM_SUFFIX = ".camelExclusiveReadLock";

    private static final Logger log = LoggerFactory.getLogger(StrandedClaims.class);

    private StrandedClaims() {
    }

    /** Renames every claimed file in {@code folder} back to its own name; returns how many were given back. */
    static int giveBack(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        int given = 0;
        try (DirectoryStream<Path> claims = Files.newDirectoryStream(folder, "*" + CLAIM_SUFFIX)) {
            for (Path claim : claims) {
                String name = claim.getFileName().toString();
                Path original = folder.resolve(name.substring(0, name.length() - CLAIM_SUFFIX.length()));
                if (Files.exists(original)) {
                    // the legacy system dropped a file of the same name since; claiming that one would rename it
                    // over this one, so this one moves out of the way, under a name the folder never reads
                    Path aside = aside(original);
                    Files.move(claim, aside, StandardCopyOption.ATOMIC_MOVE);
                    log.error("{} was claimed by a node that was killed before it was read, and a new {} arrived since: the new one "
                            + "is read, the claimed one is kept as {} and NOT sent; check it and, to send it, rename it to a new .xml name",
                            original, original.getFileName(), aside.getFileName());
                    continue;
                }
                Files.move(claim, original, StandardCopyOption.ATOMIC_MOVE);
                log.warn("{} was claimed by a node that was killed before it was read: given back to the folder, it is read now", original);
                given++;
            }
        }
        return given;
    }

    private static Path aside(Path original) {
        Path aside = original.resolveSibling(original.getFileName() + ".stranded");
        for (int n = 2; Files.exists(aside); n++) {
            aside = original.resolveSibling(original.getFileName() + ".stranded-" + n);
        }
        return aside;
    }
}
