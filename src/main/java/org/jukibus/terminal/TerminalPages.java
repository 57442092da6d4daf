package org.jukibus.terminal;

import java.util.List;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What every terminal page shows (the node, the operator, the tasks the operator may do, for the layout's header and
 * menu), and the page for a refused task: 403 with the missing permission.
 */
@ControllerAdvice(basePackageClasses = TerminalPages.class)
class TerminalPages {

    private final String node;
    private final TerminalTasks tasks;

    TerminalPages(String node, TerminalTasks tasks) {
        this.node = node;
        this.tasks = tasks;
    }

    @ModelAttribute("node")
    String node() {
        return node;
    }

    @ModelAttribute("operator")
    TerminalOperator operator() {
        return TerminalOperator.current();
    }

    @ModelAttribute("tasks")
    List<TerminalTask> tasks() {
        return tasks.of(TerminalOperator.current());
    }

    @ExceptionHandler(SecurityException.class)
    String refused(SecurityException refused, Model model, HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        // an exception handler's model is not filled by the @ModelAttribute methods
        model.addAttribute("node", node()).addAttribute("operator", operator()).addAttribute("tasks", tasks());
        model.addAttribute("reason", refused.getMessage());
        return "terminal/refused";
    }
}
