package org.jukibus.flow;

import java.util.Map;

import org.apache.camel.Exchange;
import org.jukibus.adapter.file.ErrorReports;
import org.jukibus.adapter.file.WaitingFiles;

/**
 * Which legacy input failures wait for the node instead of refusing the file (routes/common/error-handling.yaml,
 * {@code legacy-input-errors}): a transient failure ({@link DeliveryFailures#classify}): the store down or busy, the
 * operation log unwritable, the broker refusing sends at its disk bound. A later try of the same file cures it, so the
 * file stays in its drop folder ({@link WaitingFiles}) rather than going to {@code error/}, which a legacy system does
 * not watch. Anything else is a fault of the file (or a bug) and is refused with its report, as before.
 * <p>
 * Only a file nothing of which was sent waits: one that fails after a message of it left (a later part's send refused
 * at the disk bound, the ledger after the send) is refused as {@code SENT_NOT_RECORDED}, its report naming what was
 * sent, as before. A file still in the inbox has never been sent, so its operator may take it back and correct it.
 * (The operation log, which would fail after the send, is checked before it: flow.LegacyIntake#mayGoOn.)
 */
public final class LegacyInputOutages {

    /** The error handling's {@code onWhen}: true (and the exchange marked {@link WaitingFiles#WAITS}) if the input waits. */
    public boolean waits(Exchange exchange) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (failure == null) {
            failure = exchange.getException();
        }
        if (failure instanceof WaitingFiles.FolderWaiting) {
            exchange.setProperty(WaitingFiles.WAITS, failure.getMessage());
            return true;
        }
        if (failure == null || DeliveryFailures.classify(failure) != DeliveryFailures.Kind.TRANSIENT) {
            return false;
        }
        Map<?, ?> sent = exchange.getProperty(ErrorReports.SENT, Map.class);
        if (sent != null && !sent.isEmpty()) {
            // some of it left: refused as SENT_NOT_RECORDED, its report naming what was sent (a file in the inbox has
            // never been sent, which the legacy operator may rely on)
            return false;
        }
        exchange.setProperty(WaitingFiles.WAITS, DeliveryFailures.cause(failure) + ": " + ErrorReports.problemOf(failure));
        return true;
    }
}
