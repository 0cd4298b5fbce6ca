package dev.fluxion.gradbench.evals;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import org.junit.jupiter.api.Test;

/**
 * The generated {@code HtGrad.residualsJacobianForward} stays within HotSpot's limit for JIT
 * compilation (8,000 bytes of bytecode, {@code -XX:HugeMethodLimit}): over it the method runs
 * interpreted, about 30 times slower (250 ms against 8 ms at hand1; it was 8,495 bytes before the
 * processor stopped writing literal zeros and row checks of constant columns).
 */
class HtBytecodeTest {
    private static final int HUGE_METHOD_LIMIT = 8000;

    @Test
    void theJacobianIsSmallEnoughForTheJit() throws IOException {
        byte[] bytes;
        try (InputStream in = HtBytecodeTest.class.getResourceAsStream("HtGrad.class")) {
            bytes = in.readAllBytes();
        }
        ClassModel model = ClassFile.of().parse(bytes);
        int found = 0;
        for (MethodModel m : model.methods()) {
            if (m.methodName().stringValue().equals("residualsJacobianForward")) {
                int length = m.findAttribute(java.lang.classfile.Attributes.code()).map(CodeAttribute::codeLength)
                        .orElseThrow();
                assertTrue(length <= HUGE_METHOD_LIMIT, "residualsJacobianForward is " + length + " bytes of bytecode");
                found++;
            }
        }
        assertTrue(found == 1, "HtGrad.residualsJacobianForward not found");
    }
}
