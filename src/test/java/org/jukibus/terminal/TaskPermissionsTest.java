package org.jukibus.terminal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jukibus.audit.AuditEvent;
import org.jukibus.audit.AuditKind;
import org.jukibus.broker.SecurityEvents;
import org.jukibus.operators.OperatorAuthentication;
import org.jukibus.operators.OperatorPermissions;
import org.jukibus.operators.Permission;
import org.jukibus.operators.Pins;
import org.jukibus.operators.RegisteredOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.method.HandlerMethod;

/** Every request of a terminal task needs the operator's {@code terminal:<task>}, and sets the session's idle timeout. */
class TaskPermissionsTest {

    static final String PIN_HASH = Pins.hash("2468".toCharArray());

    final List<AuditEvent> logged = new ArrayList<>();
    final TaskPermissions interceptor = new TaskPermissions(new OperatorPermissions(logged::add, new SecurityEvents()), 900);

    @TerminalTask(id = "card-check", title = "住民基本台帳カードの保有の確認", section = "第6の5(1)")
    static class Task {
        public String page() {
            return "page";
        }
    }

    static class NotATask {
        public String page() {
            return "page";
        }
    }

    @AfterEach
    void logout() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void an_operator_with_the_tasks_permission_or_terminal_star_gets_in() throws Exception {
        for (String permission : List.of("terminal:card-check", "terminal:*")) {
            login(permission);
            MockHttpServletRequest request = new MockHttpServletRequest();
            assertThat(interceptor.preHandle(request, new MockHttpServletResponse(), handler(new Task()))).isTrue();
            assertThat(request.getSession().getMaxInactiveInterval()).as("the terminal's idle timeout").isEqualTo(900);
        }
        assertThat(logged).isEmpty();
    }

    @Test
    void an_operator_without_it_is_refused_naming_the_permission_and_logged() throws Exception {
        login("terminal:status");
        assertThatThrownBy(() -> interceptor.preHandle(new MockHttpServletRequest(), new MockHttpServletResponse(), handler(new Task())))
                .isInstanceOf(SecurityException.class)
                .hasMessage("operator yamada does not have the permission terminal:card-check");
        assertThat(logged).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(AuditKind.PERMISSION_DENIED);
            assertThat(e.actor()).isEqualTo("operator:yamada");
            assertThat(e.detail()).isEqualTo("missing permission terminal:card-check");
        });
    }

    @Test
    void pages_that_are_no_task_need_only_the_login() throws Exception {
        login("status");
        assertThat(interceptor.preHandle(new MockHttpServletRequest(), new MockHttpServletResponse(), handler(new NotATask()))).isTrue();
    }

    static void login(String permission) {
        RegisteredOperator yamada = new RegisteredOperator("yamada", "山田", "a".repeat(64), PIN_HASH, Set.of(Permission.parse(permission)));
        SecurityContextHolder.getContext().setAuthentication(new OperatorAuthentication(yamada, null));
    }

    static HandlerMethod handler(Object controller) throws NoSuchMethodException {
        return new HandlerMethod(controller, controller.getClass().getMethod("page"));
    }
}
