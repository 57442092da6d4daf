package org.jukibus.flow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jukibus.adapter.file.AtomicFiles;
import org.jukibus.adapter.file.TransferLedger;
import org.jukibus.envelope.EnvelopeHeader;

/**
 * Writes files into {@code legacy/outbox/<flow>/} for the legacy system, atomically, each recorded
 * in the {@link TransferLedger}. A delivered
 * payload is named after its sender and message id: a second write of the same message (after a
 * crash) replaces the file rather than adding one.
 */
public final class LegacyOutbox {

    /** The reason a message waits when the legacy outbox cannot be written. */
    public static final String UNWRITABLE = "OUTBOX_UNWRITABLE";

    private final Path legacyRoot;
    private final TransferLedger ledger;
    /** One lock per flow and peer for {@link #writeOnce}. */
    private final Map<String, Object> writing = new java.util.concurrent.ConcurrentHashMap<>();

    public LegacyOutbox(Path legacyRoot, TransferLedger ledger) {
        this.legacyRoot = legacyRoot;
        this.ledger = ledger;
    }

    /** The delivered payload, as {@code <sender>-<message id>.xml}. */
    public Path write(Delivered message) throws TransientFailure {
        Path target = fileFor(message.flow().name(), message.header());
        store(target, message.payload());
        ledger.record(message.flow().name(), target.getFileName().toString(), message.payload(),
                TransferLedger.Outcome.DELIVERED, message.header().messageId(), message.header().sender(), null);
        return target;
    }

    /** Any other file for the legacy system: an answer to a local query, a printable copy. */
    public Path write(String flow, String fileName, byte[] content) throws TransientFailure {
        Path target = folder(flow).resolve(plain(fileName));
        store(target, content);
        ledger.record(flow, fileName, content, TransferLedger.Outcome.DELIVERED, null, null, null);
        return target;
    }

    /** A file made here that stands for message {@code messageId} (a receipt file from an entry of a receipt batch). */
    public record Standing(String fileName, byte[] content, String messageId) {
    }

    /**
     * Files made here that stand for messages from {@code peer} (the receipts of one receipt batch), each written once:
     * one whose ledger line says the same file was delivered for the same peer before (the batch delivered again after
     * a failure or a crash, or an entry whose message stays open) is left out, as the legacy system may have taken it
     * already. The rest are written together: one force of the folder, one ledger commit. Only the same file from the
     * same peer counts: a hostile peer's single receipt under the same id must not stand for another peer's receipt.
     * Killed between the files and their ledger lines, the node writes them once more, with the same names and content.
     *
     * @return how many were written
     */
    public int writeOnce(String flow, String peer, List<Standing> files) throws TransientFailure {
        files.forEach(f -> plain(f.fileName()));
        // one peer's batches one at a time: two copies of a batch (after a crash the peer may send its entries again
        // under another id) delivered by two consumers would both find no ledger line and both write
        synchronized (writing.computeIfAbsent(flow + " " + peer, k -> new Object())) {
            Set<String> before = ledger.deliveredFiles(flow, peer, files.stream().map(Standing::messageId).toList());
            Map<String, byte[]> fresh = new LinkedHashMap<>();
            List<Standing> written = new ArrayList<>();
            for (Standing f : files) {
                if (!before.contains(f.fileName()) && fresh.putIfAbsent(f.fileName(), f.content()) == null) {
                    written.add(f);
                }
            }
            if (written.isEmpty()) {
                return 0;
            }
            Path folder = folder(flow);
            try {
                AtomicFiles.writeAll(folder, fresh);
            } catch (IOException e) {
                if (e instanceof AtomicFiles.PartlyWritten partly) {
                    // those in place may be taken by the legacy system at once: recorded, so a retry does not write them twice
                    Set<String> placed = Set.copyOf(partly.placed());
                    ledger.recordDelivered(flow, peer, deliveries(written.stream().filter(f -> placed.contains(f.fileName())).toList()));
                }
                throw new TransientFailure(UNWRITABLE, "cannot write " + fresh.size() + " file(s) into " + folder + ": " + e, e);
            }
            ledger.recordDelivered(flow, peer, deliveries(written));
            return written.size();
        }
    }

    private static List<TransferLedger.Delivery> deliveries(List<Standing> files) {
        return files.stream().map(f -> new TransferLedger.Delivery(f.fileName(), f.content(), f.messageId())).toList();
    }

    private static Path plain(String fileName) {
        Path name = Path.of(fileName).getFileName();
        if (name == null || !name.toString().equals(fileName) || fileName.startsWith(".")) {
            throw new IllegalArgumentException("not a plain file name: " + fileName);
        }
        return name;
    }

    /**
     * An I/O error here is the legacy folder's (full, unwritable, unmounted), never the message's: the message waits
     * for it ({@link DeliveryFailures}), named as such so that no other I/O error is taken for one.
     */
    private static void store(Path target, byte[] content) throws TransientFailure {
        try {
            AtomicFiles.write(target, content);
        } catch (IOException e) {
            throw new TransientFailure(UNWRITABLE, "cannot write " + target + ": " + e, e);
        }
    }

    public Path fileFor(String flow, EnvelopeHeader header) {
        return fileFor(flow, header.sender(), header.messageId());
    }

    /** Where the message {@code messageId} from {@code sender} of {@code flow} is (or was) delivered. */
    public Path fileFor(String flow, String sender, String messageId) {
        return folder(flow).resolve(sender + "-" + messageId + ".xml");
    }

    private Path folder(String flow) {
        return legacyRoot.resolve("outbox").resolve(flow);
    }
}
