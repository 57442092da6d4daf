package org.jukibus.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The limited query conditions (第4の4(7)): exactly the allowed forms pass, every other form is refused with its code. */
class QueryConditionsTest {

    static byte[] query(String persons) {
        return ("<IdentityQuery xmlns=\"urn:jukibus:provision:1\"><QueryId>q-1</QueryId><Purpose>pension</Purpose>"
                + persons + "</IdentityQuery>").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void by_resident_code() throws Exception {
        IdentityQuery q = QueryConditions.parse(query("<Person><ResidentCode>12345678903</ResidentCode></Person>"));
        assertThat(q.queryId()).isEqualTo("q-1");
        assertThat(q.purpose()).isEqualTo("pension");
        assertThat(q.persons()).containsExactly(new IdentityQuery.ByResidentCode("12345678903"));
        assertThat(q.bulk()).isFalse();
    }

    @Test
    void by_name_and_birth_date_with_sex_and_address() throws Exception {
        assertThat(QueryConditions.parse(query("<Person><Name>住基 太郎</Name><BirthDate>1980-01-15</BirthDate></Person>")).persons())
                .containsExactly(new IdentityQuery.ByNameAndBirthDate("住基 太郎", LocalDate.of(1980, 1, 15), null, null));
        assertThat(QueryConditions.parse(query("<Person><Name>住基 太郎</Name><BirthDate>1980-01-15</BirthDate><Sex>1</Sex>"
                + "<Address>東京都新宿区西新宿二丁目8番1号</Address></Person>")).persons())
                .containsExactly(new IdentityQuery.ByNameAndBirthDate("住基 太郎", LocalDate.of(1980, 1, 15), "1",
                        "東京都新宿区西新宿二丁目8番1号"));
    }

    @Test
    void several_persons_are_a_bulk_query() throws Exception {
        IdentityQuery q = QueryConditions.parse(query("<Person><ResidentCode>12345678903</ResidentCode></Person>"
                + "<Person><Name>住基 花子</Name><BirthDate>1990-02-03</BirthDate></Person>"));
        assertThat(q.bulk()).isTrue();
        assertThat(q.persons()).hasSize(2);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "WILDCARD|<Person><Name>住基%</Name><BirthDate>1980-01-15</BirthDate></Person>",
            "WILDCARD|<Person><Name>住基＊</Name><BirthDate>1980-01-15</BirthDate></Person>",
            "WILDCARD|<Person><ResidentCode>1234567890*</ResidentCode></Person>",
            "WILDCARD|<Person><Name>住基 太郎</Name><BirthDate>1980-01-15</BirthDate><Address>東京都_</Address></Person>",
            "RANGE|<Person><Name>住基 太郎</Name><BirthDate>1980-01-01/1990-12-31</BirthDate></Person>",
            "RANGE|<Person><Name>住基 太郎</Name><BirthDateFrom>1980-01-01</BirthDateFrom></Person>",
            "RANGE|<Person><ResidentCode>12345678903-12345678997</ResidentCode></Person>",
            "RANGE|<Person><Name>住基 太郎</Name><BirthDate from='1980-01-01'>1980-01-15</BirthDate></Person>",
            "PARTIAL|<Person><Name>住基 太郎</Name><BirthDate>1980</BirthDate></Person>",
            "PARTIAL|<Person><Name>住基 太郎</Name><BirthDate>1980-01</BirthDate></Person>",
            "PARTIAL|<Person><NamePrefix>住基</NamePrefix><BirthDate>1980-01-15</BirthDate></Person>",
            "PARTIAL|<Person><FamilyName>住基</FamilyName><BirthDate>1980-01-15</BirthDate></Person>",
            "PARTIAL|<Person><Name match='prefix'>住基</Name><BirthDate>1980-01-15</BirthDate></Person>",
            "PARTIAL|<Person><Name>住基 太郎</Name></Person>",
            "PARTIAL|<Person><BirthDate>1980-01-15</BirthDate></Person>",
            "PARTIAL|<Person><ResidentCode>1234567</ResidentCode></Person>",
            "INVALID_QUERY|<Person><ResidentCode>12345678901</ResidentCode></Person>",
            "NO_CONDITION|''",
            "NO_CONDITION|<Person/>",
            "NO_CONDITION|<Person><Sex>1</Sex><Address>東京都新宿区</Address></Person>",
            "UNKNOWN_ELEMENT|<Person><Municipality>131041</Municipality></Person>",
            "UNKNOWN_ELEMENT|<All/>",
            "UNKNOWN_ELEMENT|<Person xmlns=''><ResidentCode>12345678903</ResidentCode></Person>",
            "INVALID_QUERY|<Person><ResidentCode>12345678903</ResidentCode><Name>住基 太郎</Name></Person>",
            "INVALID_QUERY|<Person><Name>住基 太郎</Name><BirthDate>1980-02-30</BirthDate></Person>",
            "INVALID_QUERY|<Person><Name>住基 太郎</Name><BirthDate>1980-01-15</BirthDate><Sex>x</Sex></Person>",
            "INVALID_QUERY|<Person><BirthDate>1980-01-15</BirthDate><Name>住基 太郎</Name></Person>",
    })
    void every_other_form_is_refused_with_its_code(ProvisionError expected, String persons) {
        assertThatThrownBy(() -> QueryConditions.parse(query(persons)))
                .isInstanceOf(ProvisionRefused.class)
                .satisfies(e -> assertThat(((ProvisionRefused) e).error()).as(e.getMessage()).isEqualTo(expected));
    }

    @Test
    void a_doctype_is_refused_before_anything_is_read() {
        byte[] xxe = ("<?xml version=\"1.0\"?><!DOCTYPE q [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<IdentityQuery xmlns=\"urn:jukibus:provision:1\"><QueryId>q</QueryId><Purpose>p</Purpose>"
                + "<Person><Name>&x;</Name><BirthDate>1980-01-15</BirthDate></Person></IdentityQuery>").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> QueryConditions.parse(xxe)).isInstanceOf(ProvisionRefused.class)
                .satisfies(e -> assertThat(((ProvisionRefused) e).error()).isEqualTo(ProvisionError.DTD_NOT_ALLOWED));
    }

    @Test
    void not_a_query_and_not_xml_are_refused() {
        assertThatThrownBy(() -> QueryConditions.parse("<Other/>".getBytes(StandardCharsets.UTF_8)))
                .satisfies(e -> assertThat(((ProvisionRefused) e).error()).isEqualTo(ProvisionError.UNKNOWN_ELEMENT));
        assertThatThrownBy(() -> QueryConditions.parse("select * from identity_record".getBytes(StandardCharsets.UTF_8)))
                .satisfies(e -> assertThat(((ProvisionRefused) e).error()).isEqualTo(ProvisionError.MALFORMED));
    }

    @Test
    void messages_never_repeat_the_condition_values() {
        assertThatThrownBy(() -> QueryConditions.parse(query("<Person><Name>秘密 太郎%</Name><BirthDate>1980-01-15</BirthDate></Person>"))) 
                .message().doesNotContain("秘密");
        assertThatThrownBy(() -> QueryConditions.parse(query("<Person><Name>秘密 太郎</Name><BirthDate>1980-01-15</BirthDate><Sex>7</Sex></Person>")))
                .message().doesNotContain("秘密");
    }
}
