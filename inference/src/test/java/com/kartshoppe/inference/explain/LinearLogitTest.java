package com.kartshoppe.inference.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.onnx.proto.OnnxMl;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Tests for {@link LinearLogit}: which graphs are linear, and their terms. */
class LinearLogitTest {

    private static OnnxMl.TensorProto constant(String name, float[] values, long... dims) {
        OnnxMl.TensorProto.Builder t =
                OnnxMl.TensorProto.newBuilder()
                        .setName(name)
                        .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        for (float v : values) {
            t.addFloatData(v);
        }
        return t.build();
    }

    private static OnnxMl.NodeProto node(String op, String out, String... in) {
        OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setOpType(op).addOutput(out);
        for (String i : in) {
            n.addInput(i);
        }
        return n.build();
    }

    private static OnnxMl.NodeProto withInt(OnnxMl.NodeProto node, String name, long value) {
        return node.toBuilder()
                .addAttribute(
                        OnnxMl.AttributeProto.newBuilder()
                                .setName(name)
                                .setType(OnnxMl.AttributeProto.AttributeType.INT)
                                .setI(value))
                .build();
    }

    private static OnnxMl.NodeProto withFloat(OnnxMl.NodeProto node, String name, float value) {
        return node.toBuilder()
                .addAttribute(
                        OnnxMl.AttributeProto.newBuilder()
                                .setName(name)
                                .setType(OnnxMl.AttributeProto.AttributeType.FLOAT)
                                .setF(value))
                .build();
    }

    private static OnnxMl.ModelProto model(
            OnnxMl.TensorProto[] constants, OnnxMl.NodeProto... nodes) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder();
        for (OnnxMl.TensorProto c : constants) {
            g.addInitializer(c);
        }
        for (OnnxMl.NodeProto n : nodes) {
            g.addNode(n);
        }
        return OnnxMl.ModelProto.newBuilder().setGraph(g).build();
    }

    /** ModelTrainer's layout: (x - mean) * scale, Tribuo's Gemm over two classes, Softmax. */
    private static OnnxMl.ModelProto standardisedSoftmax(OnnxMl.NodeProto middle) {
        return model(
                new OnnxMl.TensorProto[] {
                    constant("mean", new float[] {10f, 0.5f}, 2),
                    constant("scale", new float[] {0.25f, 2f}, 2),
                    // columns: class 0, class 1
                    constant("w", new float[] {0.5f, 1.5f, -1f, 2f}, 2, 2),
                    constant("b", new float[] {0.25f, -0.5f}, 2)
                },
                node("Sub", "centred", "input", "mean"),
                node("Mul", "standardised", "centred", "scale"),
                node("Gemm", "linear", "standardised", "w", "b"),
                middle,
                node("Identity", "output", "probabilities"));
    }

    @Test
    void readsATwoClassSoftmaxBehindAStandardisation() {
        OnnxMl.ModelProto model =
                standardisedSoftmax(withInt(node("Softmax", "probabilities", "linear"), "axis", 1));

        LinearLogit positive = LinearLogit.recognise(model, "input", "output", 1, 2).orElseThrow();
        LinearLogit negative = LinearLogit.recognise(model, "input", "output", 0, 2).orElseThrow();

        // term_j = (w1j - w0j) * (x_j - mean_j) * scale_j; intercept b1 - b0
        assertThat(positive.intercept()).isEqualTo(-0.75);
        assertThat(positive.term(0, 14)).isEqualTo((1.5 - 0.5) * (14 - 10) * 0.25);
        assertThat(positive.term(1, 1.5)).isEqualTo((2 - -1) * (1.5 - 0.5) * 2);
        assertThat(positive.term(0, 10)).isZero(); // at its mean a feature contributes nothing
        assertThat(negative.intercept()).isEqualTo(0.75);
        assertThat(negative.term(1, 1.5)).isEqualTo(-6.0);
    }

    @Test
    void readsGemmsAttributesAndColumnWiseDivisionBeforeASigmoid() {
        OnnxMl.ModelProto model =
                model(
                        new OnnxMl.TensorProto[] {
                            constant("d", new float[] {4f}, 1),
                            constant("w", new float[] {1f, -3f}, 1, 2), // transposed: [1, 2]
                            constant("b", new float[] {0.5f}, 1),
                            constant("shift", new float[] {1f}, 1)
                        },
                        node("Div", "divided", "input", "d"),
                        withFloat(
                                withFloat(
                                        withInt(
                                                node("Gemm", "linear", "divided", "w", "b"),
                                                "transB",
                                                1),
                                        "alpha",
                                        2f),
                                "beta",
                                3f),
                        node("Add", "shifted", "linear", "shift"),
                        node("Sigmoid", "output", "shifted"));

        LinearLogit linear = LinearLogit.recognise(model, "input", "output", 0, 2).orElseThrow();

        // logit = 2 * (x0 / 4 * 1 + x1 / 4 * -3) + 3 * 0.5 + 1
        assertThat(linear.intercept()).isEqualTo(2.5);
        assertThat(linear.term(0, 8)).isEqualTo(4.0);
        assertThat(linear.term(1, 2)).isCloseTo(-3.0, offset(1e-12));
    }

    @Test
    void anythingElseIsNotLinear() {
        Optional<LinearLogit> threeClasses =
                LinearLogit.recognise(
                        model(
                                new OnnxMl.TensorProto[] {
                                    constant("w", new float[] {1, 2, 3, 4, 5, 6}, 2, 3)
                                },
                                node("MatMul", "linear", "input", "w"),
                                node("Softmax", "output", "linear")),
                        "input",
                        "output",
                        1,
                        2);
        Optional<LinearLogit> hidden =
                LinearLogit.recognise(
                        standardisedSoftmax(node("Relu", "probabilities", "linear")),
                        "input",
                        "output",
                        1,
                        2);
        Optional<LinearLogit> raw =
                LinearLogit.recognise(
                        model(
                                new OnnxMl.TensorProto[] {constant("w", new float[] {1, 2}, 2, 1)},
                                node("MatMul", "output", "input", "w")),
                        "input",
                        "output",
                        0,
                        2);

        assertThat(threeClasses).isEmpty();
        assertThat(hidden).isEmpty();
        assertThat(raw).as("no probability link").isEmpty();
    }
}
