package org.jukibus.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class OperatorUsersTest {

    @Test
    void a_bcrypt_hash_lets_exactly_that_password_in() {
        String hash = OperatorUsers.hash("s3cret-of-the-operator");
        var users = OperatorUsers.from(Map.of("operator", hash));
        String stored = users.loadUserByUsername("operator").getPassword();
        assertThat(OperatorUsers.encoder().matches("s3cret-of-the-operator", stored)).isTrue();
        assertThat(OperatorUsers.encoder().matches("guess", stored)).isFalse();
        assertThat(users.loadUserByUsername("operator").getAuthorities()).extracting(Object::toString).containsExactly("ROLE_OPERATOR");
    }

    @Test
    void the_bcrypt_prefix_of_spring_security_is_accepted() {
        assertThat(OperatorUsers.from(Map.of("op", "{bcrypt}" + OperatorUsers.hash("x"))).userExists("op")).isTrue();
    }

    @Test
    void a_clear_text_password_stops_the_node() {
        assertThatThrownBy(() -> OperatorUsers.from(Map.of("operator", "password123", "other", "$2a$10$short")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("jukibus.management.users.operator is not a bcrypt hash")
                .hasMessageContaining("jukibus.management.users.other is not a bcrypt hash");
    }

    @Test
    void no_operator_means_nobody_can_log_in() {
        assertThat(OperatorUsers.from(Map.of()).userExists("operator")).isFalse();
    }
}
