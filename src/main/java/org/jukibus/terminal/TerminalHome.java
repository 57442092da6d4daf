package org.jukibus.terminal;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** {@code /terminal}: the menu of the tasks the operator may do (the layout lists them; the page says whose node it is). */
@Controller
class TerminalHome {

    @GetMapping({"/terminal", "/terminal/"})
    String home() {
        return "terminal/home";
    }
}
