package io.attnspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.nn.Attentions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelsCommandTest {

    @Test
    void printsOneRowPerVariant() {
        ModelsCommand command = new ModelsCommand();
        command.backbone = "resnet-cifar-20";
        command.input = "3x32x32";
        command.classes = 10;
        command.attention = List.of("all");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        command.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String table = bytes.toString(StandardCharsets.UTF_8);
        List<String> rows = table.lines().filter(l -> l.startsWith("resnet-cifar-20 ") || l.startsWith("resnet-cifar-20+")).toList();
        assertEquals(1 + Attentions.names().size(), rows.size(), table);
        assertTrue(rows.get(0).contains("0.27M"), rows.get(0));
        assertTrue(table.matches("(?s).*resnet-cifar-20\\+nonlocal +after-block +\\[2\\] +every-other +1 .*"), table);
    }

    @Test
    void badArgumentsExitWithCodeTwo() {
        assertEquals(2, Main.run("models", "--backbone", "vgg16"));
        assertEquals(2, Main.run("models", "--input", "224x224"));
        assertEquals(2, Main.run("models", "--attention", "sqeeze"));
    }
}
