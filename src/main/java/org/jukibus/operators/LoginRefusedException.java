package org.jukibus.operators;

/** An operator's login was refused; the message says why (for the node's log and operation log, not for the caller). */
public class LoginRefusedException extends Exception {

    public LoginRefusedException(String message) {
        super(message);
    }
}
