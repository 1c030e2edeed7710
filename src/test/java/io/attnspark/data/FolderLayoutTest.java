package io.attnspark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FolderLayoutTest {

    private static final String ROOT = "hdfs://nn:8020/data/imagenet";
    private static final List<String> CLASSES = List.of("cat", "dog");

    private static LabelsCsv labels(String text) {
        return LabelsCsv.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "val.csv");
    }

    @Test
    void valBecomesTestUnlessTestIsThere() {
        assertEquals(Map.of("train", "train", "val", "test"), FolderLayout.splitsOfFolders(List.of("val", "train")));
        assertEquals(List.of("train", "val", "test"),
                List.copyOf(FolderLayout.splitsOfFolders(List.of("test", "val", "train")).values()));
        assertEquals(Map.of("train", "train", "test", "test"), FolderLayout.splitsOfFolders(List.of("train", "test")));
    }

    @Test
    void oneSplitPlacesByClassFolderAndIgnoresTopLevelImages() {
        FolderLayout layout = FolderLayout.oneSplit(ROOT + "/", "train", CLASSES, null, false);
        assertEquals(ROOT, layout.root());
        assertEquals("cat/sub/a b.png", layout.relative(ROOT + "/cat/sub/a b.png"));
        assertEquals(new FolderLayout.Placement("train-cat/sub/a b.png", 0, "train"), layout.place("cat/sub/a b.png"));
        assertEquals(new FolderLayout.Placement("train-dog/x.jpg", 1, "train"), layout.place("dog/x.jpg"));
        assertNull(layout.place("top.png"));
        assertEquals(List.of("train"), layout.splits());
        BadInputException e = assertThrows(BadInputException.class, () -> layout.place("emu/x.png"));
        assertTrue(e.getMessage().contains(ROOT + "/emu/x.png") && e.getMessage().contains("'emu'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> layout.relative("hdfs://nn:8020/data/other/x.png"));
    }

    @Test
    void splitFoldersWithALabelledFlatValidationFolder() {
        FolderLayout layout = FolderLayout.splitFolders(ROOT, FolderLayout.splitsOfFolders(List.of("train", "val")),
                CLASSES, labels("val/1.JPEG,dog\nval/2.JPEG,cat\ntrain/cat/odd.png,dog\n"), Set.of("val"));
        assertEquals(List.of("train", "test"), layout.splits());
        assertEquals(new FolderLayout.Placement("train-cat/a.png", 0, "train"), layout.place("train/cat/a.png"));
        assertEquals(new FolderLayout.Placement("test-dog/1.JPEG", 1, "test"), layout.place("val/1.JPEG"));
        assertEquals(new FolderLayout.Placement("test-cat/2.JPEG", 0, "test"), layout.place("val/2.JPEG"));
        // the labels file wins over the class folder
        assertEquals(new FolderLayout.Placement("train-dog/cat/odd.png", 1, "train"), layout.place("train/cat/odd.png"));
        // beside class folders an image is ignored; in a flat folder it needs a row
        assertNull(layout.place("train/stray.png"));
        assertNull(layout.place("other/x.png"));
        assertNull(layout.place("root.png"));
        BadInputException e = assertThrows(BadInputException.class, () -> layout.place("val/3.JPEG"));
        assertTrue(e.getMessage().contains(ROOT + "/val/3.JPEG") && e.getMessage().contains("no row in val.csv"),
                e.getMessage());
    }

    @Test
    void abbreviatesLongClassLists() {
        assertEquals("[a, b]", FolderLayout.abbreviated(List.of("a", "b")));
        List<String> many = java.util.stream.IntStream.range(0, 1000).mapToObj(i -> "c" + i).toList();
        assertEquals("[c0, c1, c2, c3, c4, c5, c6, c7, c8, c9] and 990 more", FolderLayout.abbreviated(many));
    }
}
