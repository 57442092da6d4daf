package org.jukibus.flow;

import java.util.List;

import org.jukibus.envelope.PayloadTypes.PayloadType;

/** The receipt (受領確認), the one flow of the common flow code: see {@link Flows#RECEIPT} and {@link Answers}. */
public final class ReceiptFlow extends FlowPackage {

    /** Made by org.jukibus.core.Contributions, which collects every flow package's definitions. */
    public ReceiptFlow() {
        super(List.of(Flows.RECEIPT),
                List.of(PayloadType.of("Receipt", "receipt.xsd", "urn:jukibus:receipt:1")));
    }
}
