package org.jukibus.flow.transferout;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.LongSupplier;

import org.jukibus.directory.NodeDirectory;
import org.jukibus.directory.NodeEntry;
import org.jukibus.flow.Answer;
import org.jukibus.flow.Delivered;
import org.jukibus.flow.FlowHandler;
import org.jukibus.flow.MessageIds;
import org.jukibus.flow.transferin.TransferInNotice;
import org.jukibus.core.NodeRole;
import org.jukibus.xml.SecureXml;
import org.jukibus.flow.transferin.TransferInFlow;
import org.jukibus.logging.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/**
 * The old municipality's side of 第6の3(1): when its node delivers a transfer-in notice (転入通知) for
 * a person who moved away, it sends the transfer-out confirmation to its own prefecture at once,
 * in the same broker transaction as the delivery, so the confirmation is sent exactly when the
 * notice is delivered. Handler of the {@code transfer-in} flow on municipal nodes.
 *
 * <p>It lives in {@code flow.transferout}, not {@code flow.transferin}, because what it does is the transfer-out
 * confirmation (第6の3(1)): it makes a {@link TransferOutConfirmation} for the {@link TransferOutFlow#CONFIRMATION}
 * flow and is switched by that flow's settings ({@code jukibus.transfer-out.confirm-on-transfer-in}, the
 * {@code transfer-out} flow switch). Delivering the notice itself needs no handler: the shared delivery writes it to
 * the legacy outbox. So {@code flow.transferin} stays the flow with nothing but its definition, and only the
 * transfer-out package knows both payloads.
 */
public final class TransferOutConfirmer implements FlowHandler {

    private static final Logger log = LoggerFactory.getLogger(TransferOutConfirmer.class);
    private static final XmlMapper XML = new XmlMapper();

    private final String self;
    private final NodeDirectory directory;
    private final Clock clock;
    private final boolean enabled;
    private final MissingPrefectureLog missingPrefecture;

    /**
     * @param self    this municipality's local government code
     * @param enabled {@code jukibus.transfer-out.confirm-on-transfer-in} and the transfer-out flow switched on:
     *                false leaves confirming to the legacy system
     */
    public TransferOutConfirmer(String self, NodeDirectory directory, Clock clock, boolean enabled) {
        this(self, directory, clock, enabled, System::nanoTime);
    }

    /** @param ticks monotonic nanoseconds for the log's hourly limit (System.nanoTime; a test moves its own) */
    TransferOutConfirmer(String self, NodeDirectory directory, Clock clock, boolean enabled, LongSupplier ticks) {
        this.self = self;
        this.directory = directory;
        this.clock = clock;
        this.missingPrefecture = new MissingPrefectureLog(ticks); // after the clock: it dates its lines
        this.enabled = enabled;
        log.info("transfer-out confirmations of {}: {}", self, enabled
                ? "sent by the node when it delivers a transfer-in notice"
                : "only from the legacy system (confirm-on-transfer-in is false or the transfer-out flow is switched off)");
    }

    @Override
    public List<String> flows() {
        return List.of(TransferInFlow.NOTICE.name());
    }

    /**
     * The confirmation to this municipality's prefecture. Its id is derived from the notice's, so
     * the copy sent again on a redelivery is dropped by the brokers and recorded once by the
     * prefecture. The envelope carries no correlation id: the prefecture never saw the notice, and
     * its id (in the cleartext header) must not be stored on the prefecture's broker (第3の3(3));
     * it travels encrypted in the payload instead.
     *
     * <p>A directory that lists no prefecture node for this municipality is a directory error (every municipality has
     * one): the confirmation is made all the same, to the prefecture's code, and the shared answer step keeps it and
     * dead-letters it as UNKNOWN_RECIPIENT ({@code flow.Answers#seal}): the legacy system gets its NonDelivery file, and
     * {@code jukibus dlq resend} sends it once the directory is fixed. Nothing is lost. A network without prefecture
     * nodes on purpose (a municipality-only trial) sets {@code jukibus.transfer-out.confirm-on-transfer-in=false}.
     */
    @Override
    public List<Answer> answers(Delivered notice) throws Exception {
        if (!enabled) {
            return List.of();
        }
        String prefecture = prefectureCode();
        if (!listsPrefectureNode(prefecture)) {
            missingPrefecture.held(prefecture);
        }
        TransferInNotice in = XML.readValue(notice.payload(), TransferInNotice.class);
        TransferOutConfirmation confirmation = new TransferOutConfirmation(in.residentCode(), in.name(), in.birthDate(),
                in.newAddress(), in.transferInDate(), self, notice.header().sender(), prefecture,
                notice.header().messageId(), clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        return List.of(new Answer(TransferOutFlow.CONFIRMATION, prefecture,
                MessageIds.answerOf(TransferOutFlow.NAME, notice.header().sender(), notice.header().messageId()), null,
                SecureXml.parse(XML.writeValueAsBytes(confirmation))));
    }

    /** How many confirmations were held under the directory serial of the last one held (the log's count). */
    long heldUnderLastSerial() {
        synchronized (missingPrefecture) {
            return missingPrefecture.count;
        }
    }

    /** How many confirmations were held in all, never reset. */
    long heldInAll() {
        synchronized (missingPrefecture) {
            return missingPrefecture.total;
        }
    }

    /** How many lines the log of held confirmations wrote, and the last. */
    long linesLogged() {
        synchronized (missingPrefecture) {
            return missingPrefecture.lines;
        }
    }

    String lastLineLogged() {
        synchronized (missingPrefecture) {
            return missingPrefecture.lastLine;
        }
    }

    /** This municipality's prefecture: the one its directory entry names, else the first two digits of its code. */
    private String prefectureCode() {
        return directory.byCode(self).map(NodeEntry::prefecture).orElse(self.substring(0, 2));
    }

    private boolean listsPrefectureNode(String prefecture) {
        return directory.byCode(prefecture).filter(e -> e.role() == NodeRole.PREFECTURE).isPresent();
    }

    /**
     * The log of confirmations held because the directory lists no prefecture node: one WARN for each directory serial
     * that lacks it, then at most one line an hour with how many more were held, instead of a line per notice. Each
     * held confirmation is a dead letter with its reason and a NonDelivery file besides: the log only points at them.
     * The hour is measured on a monotonic source ({@link RateLimitedLog}), not the node clock: a drill that moves the
     * node clock back must not silence the line.
     */
    final class MissingPrefectureLog {
        private final RateLimitedLog hourly;
        private long serial = -1;
        /** Held under the current serial. */
        private long count;
        /** Held in all, never reset: what the log accounts for. */
        private long total;
        private long lines;
        private String lastLine;

        MissingPrefectureLog(LongSupplier ticks) {
            this.hourly = new RateLimitedLog(log, Duration.ofHours(1), clock, ticks);
        }

        synchronized void held(String prefecture) {
            long current = directory.serial();
            count++;
            total++;
            String line;
            if (current != serial) {
                serial = current;
                count = 1;
                hourly.now();
                line = hourly.warn((leftOut, since) -> String.format("the directory (serial %d) lists no prefecture node %s"
                        + " for %s: the transfer-out confirmation of each transfer-in notice delivered here is dead-lettered"
                        + " UNKNOWN_RECIPIENT with its payload kept, and reported in legacy/outbox/non-delivery/; resend them"
                        + " with 'jukibus dlq resend' once the directory lists it (or set"
                        + " jukibus.transfer-out.confirm-on-transfer-in=false if this network has no prefecture node on"
                        + " purpose)", current, prefecture, self));
            } else {
                // this one and those left out since the last line
                line = hourly.warn((leftOut, since) -> String.format("%d more transfer-out confirmations of %s"
                        + " dead-lettered since the last line, %d under directory serial %d, which lists no prefecture"
                        + " node %s", leftOut + 1, self, count, current, prefecture));
            }
            if (line != null) {
                lines++;
                lastLine = line;
            }
        }
    }
}
