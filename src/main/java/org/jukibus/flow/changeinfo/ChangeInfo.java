package org.jukibus.flow.changeinfo;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;

/**
 * 異動等情報 (change info), standard 第6の8(6): central → liaison node → certification authority.
 * Schema: {@code schemas/change-info.xsd}.
 *
 * @param changes one or more changes, in the order central recorded them
 */
@JacksonXmlRootElement(localName = "ChangeInfo", namespace = ChangeInfo.NS)
public record ChangeInfo(
        @JacksonXmlElementWrapper(useWrapping = false)
        @JacksonXmlProperty(localName = "Change", namespace = NS) List<Change> changes) {

    /** XML namespace of the change info. */
    public static final String NS = "urn:jukibus:change-info:1";
    /** Envelope Type of this payload. */
    public static final String TYPE = "ChangeInfo";

    /**
     * One change of one certificate holder.
     *
     * @param residentCode 住民票コード, 11 digits
     * @param kind         the kind of change
     * @param name         the new name (NAME_CHANGE only)
     * @param address      the new address (MOVE only)
     * @param changeDate   異動の年月日, ISO {@code YYYY-MM-DD}
     */
    @JsonPropertyOrder({"ResidentCode", "Kind", "Name", "Address", "ChangeDate"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Change(
            @JacksonXmlProperty(localName = "ResidentCode", namespace = NS) String residentCode,
            @JacksonXmlProperty(localName = "Kind", namespace = NS) ChangeKind kind,
            @JacksonXmlProperty(localName = "Name", namespace = NS) String name,
            @JacksonXmlProperty(localName = "Address", namespace = NS) String address,
            @JacksonXmlProperty(localName = "ChangeDate", namespace = NS) String changeDate) {

        /**
         * The change an identity record announces, or null when the authority is not told of its
         * change reason: only the new name or address that the kind is about, nothing else of the record.
         */
        public static Change of(String residentCode, String changeReason, String name, String address, String changeDate) {
            return ChangeKind.of(changeReason).map(kind -> new Change(residentCode, kind,
                    kind == ChangeKind.NAME_CHANGE ? name : null,
                    kind == ChangeKind.MOVE ? address : null, changeDate)).orElse(null);
        }
    }
}
