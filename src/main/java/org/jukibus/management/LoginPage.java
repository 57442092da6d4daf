package org.jukibus.management;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.MediaType;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * The management port's login form in the operator's words: operator ID and PIN (Spring Security's own says
 * "Username" and "Password", which an operator holding a card and a PIN has to translate). The card itself is the TLS
 * client certificate the browser presents; the form posts to Spring Security's {@code /login} as before.
 */
@RestController
public class LoginPage {

    private final String node;

    public LoginPage(String node) {
        this.node = node;
    }

    @GetMapping(path = "/login", produces = MediaType.TEXT_HTML_VALUE)
    public String form(HttpServletRequest request) {
        CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        String refused = request.getParameter("error") == null ? ""
                : "<p role=\"alert\" style=\"color:#b00\">Login refused: check your operator ID and PIN, and that the browser"
                + " presented your operator card. Several wrong PINs in a row lock the operator.</p>";
        return """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>jukibus node %1$s: operator login</title>
                <style>body{font-family:sans-serif;max-width:28em;margin:4em auto}label{display:block;margin:1em 0}
                input{display:block;width:100%%;padding:.4em;font-size:1.1em}button{padding:.5em 2em;font-size:1.1em}</style></head>
                <body><main>
                <h1>jukibus node %1$s</h1>
                <p>Operator login (操作者の確認): your browser presents your operator card; enter your operator ID and PIN.</p>
                %2$s
                <form method="post" action="/login">
                <label for="username">Operator ID (操作者ID)</label>
                <input id="username" name="username" autocomplete="username" required autofocus>
                <label for="password">PIN (暗証番号)</label>
                <input id="password" name="password" type="password" inputmode="numeric" autocomplete="current-password" required>
                <input type="hidden" name="%3$s" value="%4$s">
                <p><button type="submit">Log in</button></p>
                </form>
                </main></body></html>
                """.formatted(HtmlUtils.htmlEscape(node), refused,
                csrf == null ? "_csrf" : HtmlUtils.htmlEscape(csrf.getParameterName()),
                csrf == null ? "" : HtmlUtils.htmlEscape(csrf.getToken()));
    }
}
