package dev.incidentgateway;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The hand-written reader of the alert rules' expressions finds every reference, and refuses what PromQL does not allow. */
class PromqlReferencesTest {
    @Test
    void findsSelectorsMatchersGroupingLabelsAndFunctions() {
        PromqlReferences refs = PromqlReferences.of("sum by (connector) (rate(a_total{kind=\"retry\", x!~\"p|q\"}[10m])) "
                + "- sum without (le) (b_bucket) > 0 or time() - max by (poller, instance) (c_seconds) > 900 and on (instance) d == 1");
        assertThat(refs.selectors()).extracting(PromqlReferences.Selector::metric).containsExactly("a_total", "b_bucket", "c_seconds", "d");
        assertThat(refs.selectors().get(0).matchers()).isEqualTo(Map.of("kind", new PromqlReferences.LabelMatcher("=", "retry"),
                "x", new PromqlReferences.LabelMatcher("!~", "p|q")));
        assertThat(refs.groupingLabels()).containsExactly("connector", "le", "poller", "instance");
        assertThat(refs.functions()).containsExactly("sum", "rate", "time", "max");
    }

    @Test
    void refusesUnbalancedBracketsAndCharactersPromqlDoesNotHave() {
        assertThatThrownBy(() -> PromqlReferences.of("sum(rate(a[5m])")).hasMessageContaining("unbalanced");
        assertThatThrownBy(() -> PromqlReferences.of("a{b=\"c\"}}")).hasMessageContaining("unbalanced");
        assertThatThrownBy(() -> PromqlReferences.of("a > 0 && b")).hasMessageContaining("does not allow");
        assertThatThrownBy(() -> PromqlReferences.of("rate(a[5 m])")).hasMessageContaining("does not allow");
    }
}
