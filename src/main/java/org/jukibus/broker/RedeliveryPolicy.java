package org.jukibus.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.core.settings.impl.HierarchicalObjectRepository;

/**
 * One redelivery policy for a node and its broker (issue 14 D): the node dead-letters an inbound message that keeps
 * failing, with its reason, at delivery attempt {@code jukibus.delivery.max-attempts} (routes/common/error-handling.yaml);
 * the broker's own move to its dead-letter address after {@code max-delivery-attempts} (broker.xml) carries no reason
 * and is only the backstop, so it must come later on every queue the node consumes; since a transient failure waits
 * for as long as it lasts (flow.DeliveryFailures), broker.xml says -1 (never) everywhere. A node whose broker.xml or
 * property says otherwise does not start.
 */
public final class RedeliveryPolicy {

    private RedeliveryPolicy() {
    }

    /**
     * Throws unless the broker of {@code server} moves a message later than the node's {@code nodeAttempts} on every
     * queue; -1: the node may let a message wait for ever (a transient failure, flow.DeliveryFailures), so the broker
     * must never move one.
     */
    public static void requireNodeFirst(ActiveMQServer server, int nodeAttempts) {
        List<String> wrong = violations(settingsByAddress(server.getConfiguration()), nodeAttempts);
        if (!wrong.isEmpty()) {
            throw new IllegalStateException("the node dead-letters a message itself after " + (nodeAttempts < 0
                    ? "no fixed number of attempts (a transient failure waits)" : nodeAttempts + " attempts") + " but the broker moves a"
                    + " message to its dead-letter address, without a reason, after fewer or as many attempts on " + wrong
                    + ": set max-delivery-attempts in broker.xml to -1, or above jukibus.delivery.max-attempts and"
                    + " jukibus.delivery.transient-max-attempts where that is set (see docs/operations.md)");
        }
    }

    /** The address settings in force for each address of the broker configuration (broker.xml's address-settings merged). */
    public static Map<String, AddressSettings> settingsByAddress(Configuration configuration) {
        HierarchicalObjectRepository<AddressSettings> repository =
                new HierarchicalObjectRepository<>(configuration.getWildcardConfiguration());
        configuration.getAddressSettings().forEach(repository::addMatch);
        Map<String, AddressSettings> byAddress = new TreeMap<>();
        for (CoreAddressConfiguration address : configuration.getAddressConfigurations()) {
            byAddress.put(address.getName(), repository.getMatch(address.getName()));
        }
        return byAddress;
    }

    /**
     * The addresses whose broker limit (-1: none) does not lie above the node's ({@code nodeAttempts} -1: none, so
     * every broker limit is too low); all of them if the node's is 0.
     */
    static List<String> violations(Map<String, AddressSettings> settings, int nodeAttempts) {
        List<String> wrong = new ArrayList<>();
        settings.forEach((address, setting) -> {
            int attempts = setting.getMaxDeliveryAttempts();
            boolean brokerFirst = nodeAttempts < 0 ? attempts >= 0 : nodeAttempts == 0 || (attempts >= 0 && attempts <= nodeAttempts);
            if (brokerFirst) {
                wrong.add(address + " (" + attempts + ")");
            }
        });
        return wrong;
    }
}
