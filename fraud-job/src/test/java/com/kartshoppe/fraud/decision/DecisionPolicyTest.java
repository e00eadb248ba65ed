package com.kartshoppe.fraud.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kartshoppe.events.Decision;
import com.kartshoppe.fraud.patterns.FraudPattern;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Tests for {@link DecisionPolicy}. */
class DecisionPolicyTest {

    private final DecisionPolicy policy =
            new DecisionPolicy(
                    0.5,
                    0.9,
                    Map.of(
                            FraudPattern.CARD_TESTING, Decision.BLOCK,
                            FraudPattern.VELOCITY, Decision.REVIEW));

    private static final Set<FraudPattern> NONE = EnumSet.noneOf(FraudPattern.class);

    @Test
    void thresholdsAreInclusive() {
        assertThat(policy.decide(0.4999, NONE))
                .isEqualTo(new DecisionPolicy.Verdict(Decision.ALLOW, List.of()));
        assertThat(policy.decide(0.5, NONE).decision()).isEqualTo(Decision.REVIEW);
        assertThat(policy.decide(0.5, NONE).reasons()).containsExactly("score>=review");
        assertThat(policy.decide(0.9, NONE).decision()).isEqualTo(Decision.BLOCK);
        assertThat(policy.decide(0.9, NONE).reasons()).containsExactly("score>=block");
    }

    @Test
    void aPatternRaisesTheDecisionToItsLeastButNeverLowersIt() {
        assertThat(policy.decide(0.1, EnumSet.of(FraudPattern.VELOCITY)))
                .isEqualTo(new DecisionPolicy.Verdict(Decision.REVIEW, List.of("cep:velocity")));
        assertThat(policy.decide(0.95, EnumSet.of(FraudPattern.VELOCITY)).decision())
                .isEqualTo(Decision.BLOCK);
        assertThat(policy.decide(0.6, EnumSet.of(FraudPattern.VELOCITY, FraudPattern.CARD_TESTING)))
                .isEqualTo(
                        new DecisionPolicy.Verdict(
                                Decision.BLOCK,
                                List.of("score>=review", "cep:card-testing", "cep:velocity")));
    }

    @Test
    void aPatternWithoutALeastDecisionOnlyAddsItsReason() {
        assertThat(policy.decide(0.1, EnumSet.of(FraudPattern.SHARED_DEVICE)))
                .isEqualTo(
                        new DecisionPolicy.Verdict(Decision.ALLOW, List.of("cep:shared-device")));
    }

    @Test
    void withoutAModelRulesDecideAlone() {
        assertThat(policy.decide(null, NONE))
                .isEqualTo(new DecisionPolicy.Verdict(Decision.ALLOW, List.of("no-model")));
        assertThat(policy.decide(null, EnumSet.of(FraudPattern.CARD_TESTING)))
                .isEqualTo(
                        new DecisionPolicy.Verdict(
                                Decision.BLOCK, List.of("no-model", "cep:card-testing")));
    }

    @Test
    void thresholdsOutOfOrderAreRejectedNamingTheSettings() {
        assertThatThrownBy(() -> new DecisionPolicy(0.8, 0.6, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fraud.review-threshold")
                .hasMessageContaining("fraud.block-threshold")
                .hasMessageContaining("0.8 and 0.6");
        assertThatThrownBy(() -> new DecisionPolicy(0.5, 1.5, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DecisionPolicy(Double.NaN, 0.9, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
