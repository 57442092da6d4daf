package org.jukibus.terminal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.jukibus.terminal.task.EntryRefusedException;
import org.jukibus.terminal.task.LegacyEntry;
import org.jukibus.terminal.task.Submitted;
import org.jukibus.terminal.task.TerminalIntake;
import org.springframework.ui.Model;

/**
 * What the data-entry tasks (手入力) share: a posted form's entry goes through the drop folders' intake
 * ({@link TerminalIntake}), the outcome is logged as the operator's action ({@link TerminalLog}, no personal data) and
 * put on the page: {@code values} (what was entered, shown again), {@code submitted} or {@code refusal} (its code,
 * problem and field, which the templates' {@code terminal/entry} fragments mark).
 */
final class EntryForms {

    /** Builds a form's entry; may refuse a value no document can hold (a number that is not one). */
    @FunctionalInterface
    interface Builder {
        LegacyEntry build() throws EntryRefusedException;
    }

    private final TerminalIntake intake;
    private final TerminalLog log;

    EntryForms(TerminalIntake intake, TerminalLog log) {
        this.intake = intake;
        this.log = log;
    }

    /** An empty form: no values yet (the templates read {@code values[key]}). */
    static void blank(Model model, Map<String, String> defaults) {
        model.addAttribute("values", new LinkedHashMap<>(defaults));
    }

    /** Submits the form entered by the current operator; what became of it is on the model, and returned. */
    Optional<Submitted> submit(String task, Map<String, String> values, Builder builder, Model model) throws IOException {
        model.addAttribute("values", values);
        try {
            Submitted done = intake.submit(builder.build(), TerminalOperator.current().id());
            if (done.messageId() == null) {
                log.record(task, "entered " + done.inputName() + ", handled on this node (" + done.flow() + ")");
            } else {
                log.record(task, "entered " + done.inputName() + ", sent as message " + done.messageId(), done.flow(),
                        done.messageId(), done.type());
            }
            model.addAttribute("submitted", done);
            return Optional.of(done);
        } catch (EntryRefusedException refused) {
            // the ids only: the problem may quote what was entered, and the log holds no personal data
            log.record(task, refused.sent() ? "entry failed after sending message(s) " + String.join(", ", refused.sentIds())
                    + " (" + refused.code() + "): not to be entered again" : "entry refused (" + refused.code() + ")");
            model.addAttribute("refusal", refused);
            return Optional.empty();
        }
    }
}
