package org.jukibus.operators;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jukibus.core.PeriodicJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates that reach this node from outside the network's nodes and lapse on their own, each 365 days after
 * issue by default ({@code jukibus pki issue-monitor}, {@code issue-operator}): the monitoring certificates of the
 * Prometheus that scrape it and the operators' cards. Without a warning, on day 366 scraping stops (the alert rules
 * see no data, so nothing fires) and the operators are locked out. The node knows them only when they are presented:
 * a monitoring certificate at each scrape it accepts, kept for {@link #MONITOR_FORGOTTEN} after the last (a renewed
 * or retired Prometheus' old one is forgotten then); a card at each login it accepts, per registered operator, until
 * the node stops or the hourly round finds it no longer registered (the operator removed, or registered with another
 * card: the old one opens nothing any more, and a warning about it would teach the operators to ignore the warning).
 * Cards are kept in memory only: after a restart an operator's card is known again at the operator's next login
 * (docs/operations.md). {@link LifetimeMetrics} exports them; once a day (the node's clock) a WARN in the node's log
 * names every one within {@value #WARN_DAYS} days of its notAfter.
 */
public final class ClientCertificates implements AutoCloseable {

    public static final int WARN_DAYS = 30;
    static final Duration MONITOR_FORGOTTEN = Duration.ofDays(1);

    private static final Logger log = LoggerFactory.getLogger(ClientCertificates.class);

    /** A monitoring certificate's notAfter and when it was last accepted. */
    private record Seen(Instant notAfter, Instant lastAt) {
    }

    /** An operator's card as last logged in with: its SHA-256 (as the registration names it) and notAfter. */
    private record Card(String sha256, Instant notAfter) {
    }

    private final Clock clock;
    private final Supplier<Optional<Map<String, Set<String>>>> registered;
    private final Map<String, Seen> monitors = new ConcurrentHashMap<>();
    private final Map<String, Card> operators = new ConcurrentHashMap<>();
    private Consumer<String> newOperator = id -> { };
    private Consumer<String> droppedOperator = id -> { };
    private LocalDate warnedOn;
    private PeriodicJob job;

    /**
     * @param registered each registered operator's id and card SHA-256(s) in the registration in force; empty when none is
     *                   accepted now (unreadable, or its signature refused: logged there), and then the cards known are kept
     */
    public ClientCertificates(Clock clock, Supplier<Optional<Map<String, Set<String>>>> registered) {
        this.clock = clock;
        this.registered = registered;
    }

    /**
     * Checks hourly: drops the cards no longer registered, and the day's WARN comes within an hour of the day's start by
     * the node's clock.
     */
    public ClientCertificates start() {
        job = PeriodicJob.start("client-certificate-lifetimes", Duration.ofMinutes(1), Duration.ofHours(1), () -> {
            dropUnregistered();
            warnOncePerDay();
        });
        return this;
    }

    /** A monitoring certificate was accepted (keyed by its serial: two Prometheus of one name may hold two). */
    public void monitorAccepted(X509Certificate cert) {
        monitors.put(cert.getSerialNumber().toString(16), new Seen(cert.getNotAfter().toInstant(), clock.instant()));
    }

    /** A registered operator logged in with {@code card}, registered under {@code cardSha256}. */
    public void operatorAccepted(String operator, String cardSha256, X509Certificate card) {
        synchronized (this) {
            if (operators.put(operator, new Card(cardSha256, card.getNotAfter().toInstant())) == null) {
                newOperator.accept(operator);
            }
        }
    }

    /**
     * Calls {@code added} for every operator known now and each one seen later (a gauge per operator), {@code dropped}
     * for each one whose card is no longer registered (its gauge removed).
     */
    public synchronized void onOperators(Consumer<String> added, Consumer<String> dropped) {
        newOperator = added;
        droppedOperator = dropped;
        operators.keySet().forEach(added);
    }

    /**
     * Forgets the card of every operator no longer registered, or registered with another card (until a login with
     * it), so its gauge and WARN stop; keeps all while no registration is accepted.
     */
    public synchronized void dropUnregistered() {
        Optional<Map<String, Set<String>>> now = registered.get();
        if (now.isEmpty()) {
            return;
        }
        for (Map.Entry<String, Card> e : List.copyOf(operators.entrySet())) {
            if (!now.get().getOrDefault(e.getKey(), Set.of()).contains(e.getValue().sha256())) {
                operators.remove(e.getKey());
                droppedOperator.accept(e.getKey());
                log.info("the card of operator {} is no longer registered: its lifetime is no longer watched", e.getKey());
            }
        }
    }

    /** The soonest notAfter of the monitoring certificates accepted in the last day, or null for none. */
    public Instant scraping() {
        Instant forgotten = clock.instant().minus(MONITOR_FORGOTTEN);
        monitors.values().removeIf(s -> s.lastAt().isBefore(forgotten));
        return monitors.values().stream().map(Seen::notAfter).min(Instant::compareTo).orElse(null);
    }

    /** The notAfter of the card {@code operator} last logged in with, or null. */
    public Instant operatorCard(String operator) {
        Card card = operators.get(operator);
        return card == null ? null : card.notAfter();
    }

    /** Every certificate known here within {@value #WARN_DAYS} days of its notAfter or past it, for the operator. */
    public List<String> lapsing() {
        Instant now = clock.instant();
        Instant warnFrom = now.plus(Duration.ofDays(WARN_DAYS));
        List<String> out = new ArrayList<>();
        Instant scraping = scraping();
        if (scraping != null && scraping.isBefore(warnFrom)) {
            out.add("the monitoring certificate Prometheus scrapes with " + lapses(scraping, now)
                    + " (then scraping stops and the alert rules see no data): 'jukibus pki issue-monitor', then Prometheus' tls_config");
        }
        new TreeMap<>(operators).forEach((operator, card) -> {
            if (card.notAfter().isBefore(warnFrom)) {
                out.add("the card of operator " + operator + " " + lapses(card.notAfter(), now)
                        + " (then the operator cannot log in): 'jukibus pki issue-operator', then 'jukibus operator register'");
            }
        });
        return out;
    }

    private static String lapses(Instant notAfter, Instant now) {
        return (notAfter.isAfter(now) ? "expires at " : "expired at ") + notAfter;
    }

    /**
     * Logs every certificate {@link #lapsing} at WARN, in one line, at most once a day of the node's clock (UTC): true
     * if it did.
     */
    public synchronized boolean warnOncePerDay() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        if (today.equals(warnedOn)) {
            return false;
        }
        List<String> lapsing = lapsing();
        if (lapsing.isEmpty()) {
            return false;
        }
        warnedOn = today;
        log.warn("CERTIFICATES within {} days of expiry, renew them: {}", WARN_DAYS, String.join("; ", lapsing));
        return true;
    }

    @Override
    public void close() {
        if (job != null) {
            job.close();
        }
    }
}
