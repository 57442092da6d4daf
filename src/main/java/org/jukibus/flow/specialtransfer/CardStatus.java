package org.jukibus.flow.specialtransfer;

/** The states of a resident card (住民基本台帳カード) the card register records. */
public enum CardStatus {
    /** 交付: the resident holds the card and may use it for a card-holder transfer-out. */
    ISSUED,
    /** 返納・回収: handed back (at the new municipality's counter, or voluntarily). */
    RETURNED,
    /** 失効・廃止: no longer valid (lost, expired, revoked). */
    INVALIDATED
}
