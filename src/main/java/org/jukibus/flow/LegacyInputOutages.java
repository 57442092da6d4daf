package org.jukibus.flow;

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
 * A file that waits after some of its messages were sent (a later part's send refused at the disk bound, the ledger
 * after the send) is taken again like a file picked up again after a crash: sealed under the same ids, which the
 * brokers drop as duplicates, so only what is missing arrives.
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
        exchange.setProperty(WaitingFiles.WAITS, DeliveryFailures.cause(failure) + ": " + ErrorReports.problemOf(failure));
        return true;
    }
}
