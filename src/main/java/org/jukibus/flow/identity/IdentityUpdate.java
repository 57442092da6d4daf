package org.jukibus.flow.identity;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;

/**
 * 本人確認情報の通知 (identity update), standard 第6の6: a batch of identity records from a municipality
 * to its prefecture, or from a delegating prefecture to central. A record's item number is its
 * position in {@link #records()}, from 1. Schema {@code schemas/identity-update.xsd}.
 *
 * @param sender    the sending node's code (a municipality, or a delegating prefecture)
 * @param recipient the receiving node's code (the sender's prefecture, or central)
 * @param records   1..N records
 */
@JacksonXmlRootElement(localName = "IdentityUpdate", namespace = IdentityUpdate.NS)
@JsonPropertyOrder({"Sender", "Recipient", "Record"})
public record IdentityUpdate(
        @JacksonXmlProperty(localName = "Sender", namespace = NS) String sender,
        @JacksonXmlProperty(localName = "Recipient", namespace = NS) String recipient,
        @JacksonXmlElementWrapper(useWrapping = false)
        @JacksonXmlProperty(localName = "Record", namespace = NS) List<IdentityRecord> records) {

    public static final String NS = "urn:jukibus:identity-update:1";
    public static final String TYPE = "IdentityUpdate";
    public static final String SCHEMA = "identity-update.xsd";

    public IdentityUpdate {
        records = records == null ? List.of() : List.copyOf(records);
    }
}
