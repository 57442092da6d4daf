package org.jukibus.flow.provisionreport;

import java.util.List;

import org.jukibus.core.NodeRole;
import org.jukibus.envelope.PayloadTypes.PayloadType;
import org.jukibus.flow.BusinessKey;
import org.jukibus.flow.FlowDefinition;
import org.jukibus.flow.FlowPackage;

/**
 * The provision report flow (本人確認情報の提供の状況に係る情報の通知, 第6の8(5)イ): central → a delegating prefecture.
 * Central tells the prefecture what it provided, in a period, about the prefecture's residents, so that the
 * prefecture can answer their disclosure requests. Central's system drops the report into
 * {@code legacy/inbox/provision-report/}; it lands in the prefecture's {@code legacy/outbox/provision-report/}.
 * The recipient only writes it to its outbox: no handler, no store.
 */
public final class ProvisionReportFlow extends FlowPackage {

    /** Envelope type and payload root element ({@code schemas/provision-report.xsd}). */
    public static final String TYPE = "ProvisionReport";

    /**
     * Sent by the central node named in Sender to the prefecture node named in Prefecture; one report per ReportId.
     * No receipt: central's broker has no receipt address (receipts go to municipal nodes only); a report the
     * prefecture cannot deliver comes back to central as a non-delivery notice, like every tracked flow's.
     */
    public static final FlowDefinition REPORT = new FlowDefinition("provision-report", TYPE,
            "Sender", "Prefecture", NodeRole.PREFECTURE, false, BusinessKey.of("ReportId"));

    /** Made by org.jukibus.core.Contributions, which collects every flow package's definitions. */
    public ProvisionReportFlow() {
        super(List.of(REPORT),
                List.of(PayloadType.of(TYPE, "provision-report.xsd", "urn:jukibus:provision-report:1")));
    }
}
