package org.jukibus.flow.transferout;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The transfer-out confirmation's node settings, {@code jukibus.transfer-out.*}. */
@ConfigurationProperties("jukibus.transfer-out")
public class TransferOutProperties {

    /**
     * Municipal node: confirm a transfer-out to the prefecture by itself as soon as it delivers a
     * transfer-in notice (第6の3(1) says "速やかに"). False: only the legacy system confirms, through
     * {@code legacy/inbox/transfer-out/}.
     */
    private boolean confirmOnTransferIn = true;

    public boolean isConfirmOnTransferIn() {
        return confirmOnTransferIn;
    }

    public void setConfirmOnTransferIn(boolean confirmOnTransferIn) {
        this.confirmOnTransferIn = confirmOnTransferIn;
    }
}
