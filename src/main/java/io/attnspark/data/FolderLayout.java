package io.attnspark.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where each image of an image folder belongs: its split, class and row id, from its path under the
 * root alone, so that executors place the files they read without asking the driver.
 *
 * <p>Two layouts. <b>One split</b>: {@code root/<class>/...}; every image gets the given split.
 * <b>Split folders</b>: {@code root/train/<class>/...} beside {@code root/val/...} and/or
 * {@code root/test/...}; each folder is a split (see {@link #splitFolders}). Either way the class is
 * the first folder under the (split) root, unless the labels file lists the image: its row wins.
 * Ids are {@code <split>-<class>/<path under the class folder>}, or {@code <split>-<class>/<path
 * under the split root>} for an image labelled by the file. An image directly in the (split) root
 * has no class folder: beside class folders it is ignored, as torchvision's {@code ImageFolder}
 * ignores it; in a flat (split) root, one without class folders, it needs a row in the labels file,
 * and without one it is an error naming it (it was probably meant to be listed).
 */
public final class FolderLayout implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The folder names that make a root a split-folders root (with {@code train}). */
    public static final List<String> EVALUATION_FOLDERS = List.of("val", "test");

    private final String root;
    private final String singleSplit;
    private final Map<String, String> splitOfFolder;
    private final List<String> classNames;
    private final Map<String, Integer> labelOfClass;
    private final Map<String, String> classOfLabelledPath;
    private final String labelsName;
    private final Set<String> flatFolders;

    /**
     * Where one image goes.
     *
     * @param id the row id
     * @param label the class index
     * @param split the split name
     */
    public record Placement(String id, int label, String split) {}

    private FolderLayout(String root, String singleSplit, Map<String, String> splitOfFolder, List<String> classNames,
            LabelsCsv labels, Set<String> flatFolders) {
        this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        this.singleSplit = singleSplit;
        this.splitOfFolder = new LinkedHashMap<>(splitOfFolder);
        this.classNames = List.copyOf(classNames);
        this.labelOfClass = new HashMap<>();
        for (int i = 0; i < classNames.size(); i++) {
            labelOfClass.put(classNames.get(i), i);
        }
        this.classOfLabelledPath = labelled(labels);
        this.labelsName = labels == null ? null : labels.name();
        this.flatFolders = new HashSet<>(flatFolders);
    }

    /**
     * A root whose class folders all get one split.
     *
     * @param root the root as the file listing writes it (such as {@code file:/data/images}); no
     *     trailing slash needed
     * @param split the split of every image
     * @param classNames the class names, sorted; a label indexes this list
     * @param labels the labels file, or null
     * @param flat whether the root has no class folders (every image then needs a row in the labels)
     * @return the layout
     */
    public static FolderLayout oneSplit(String root, String split, List<String> classNames, LabelsCsv labels,
            boolean flat) {
        return new FolderLayout(root, split, Map.of(), classNames, labels, flat ? Set.of("") : Set.of());
    }

    /**
     * A root with split folders.
     *
     * @param root the root as the file listing writes it
     * @param splitOfFolder each split folder's name and the split its images get
     * @param classNames the class names, sorted; a label indexes this list
     * @param labels the labels file, or null
     * @param flatFolders the split folders without class folders (their images need rows in the labels)
     * @return the layout
     */
    public static FolderLayout splitFolders(String root, Map<String, String> splitOfFolder, List<String> classNames,
            LabelsCsv labels, Set<String> flatFolders) {
        if (splitOfFolder.isEmpty()) {
            throw new IllegalArgumentException("a split-folders layout needs at least one split folder");
        }
        return new FolderLayout(root, null, splitOfFolder, classNames, labels, flatFolders);
    }

    /**
     * Maps split folder names to split names: {@code train} to {@code train}, {@code test} to
     * {@code test}, and {@code val} to {@code test} (the split training evaluates on) unless a
     * {@code test} folder is there too, when {@code val} stays {@code val}.
     *
     * @param folders the split folders present (of {@code train}, {@code val}, {@code test})
     * @return folder name to split name, in the order train, val, test
     */
    public static Map<String, String> splitsOfFolders(List<String> folders) {
        Map<String, String> splits = new LinkedHashMap<>();
        for (String folder : List.of("train", "val", "test")) {
            if (folders.contains(folder)) {
                splits.put(folder, folder.equals("val") && !folders.contains("test") ? "test" : folder);
            }
        }
        return splits;
    }

    private static Map<String, String> labelled(LabelsCsv labels) {
        Map<String, String> classOfPath = new HashMap<>();
        if (labels != null) {
            for (LabelsCsv.Row row : labels.rows()) {
                classOfPath.put(row.path(), row.className());
            }
        }
        return classOfPath;
    }

    /**
     * Returns the root, without a trailing slash.
     *
     * @return the root
     */
    public String root() {
        return root;
    }

    /**
     * Returns the class names, indexed by label.
     *
     * @return the class names
     */
    public List<String> classNames() {
        return classNames;
    }

    /**
     * Returns the split folders and their splits; empty for a one-split layout.
     *
     * @return folder name to split name
     */
    public Map<String, String> splitFolders() {
        return splitOfFolder;
    }

    /**
     * Returns the split names in the order rows get them.
     *
     * @return the splits
     */
    public List<String> splits() {
        return singleSplit != null ? List.of(singleSplit) : new ArrayList<>(splitOfFolder.values());
    }

    /**
     * Returns a file's path under the root.
     *
     * @param path the file as the listing writes it, under the root
     * @return the path under the root, '/'-separated
     * @throws IllegalArgumentException if the file is not under the root
     */
    public String relative(String path) {
        String prefix = root + "/";
        if (!path.startsWith(prefix)) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT, "file %s is not under the ingest root %s", path, root));
        }
        return path.substring(prefix.length());
    }

    /**
     * Places an image.
     *
     * @param relative the image's path under the root
     * @return where it goes, or null for an image that is ignored (outside the split folders, or
     *     directly in a root beside class folders, or in any root without a labels file)
     * @throws BadInputException naming the image if it has no class (in a flat root, without a row
     *     in the labels file) or its class is not one of the classes
     */
    public Placement place(String relative) {
        String split = singleSplit;
        String inner = relative;
        String folder = "";
        if (split == null) {
            int slash = relative.indexOf('/');
            folder = slash < 0 ? "" : relative.substring(0, slash);
            split = splitOfFolder.get(folder);
            if (split == null) {
                return null;
            }
            inner = relative.substring(slash + 1);
        }
        String labelled = classOfLabelledPath.get(relative);
        if (labelled != null) {
            return new Placement(split + "-" + labelled + "/" + inner, label(labelled, relative), split);
        }
        int slash = inner.indexOf('/');
        if (slash < 0) {
            if (labelsName == null || !flatFolders.contains(folder)) {
                return null;
            }
            throw new BadInputException(String.format(
                    Locale.ROOT, "%s/%s has no label: it is in no class folder and has no row in %s",
                    root, relative, labelsName));
        }
        String className = inner.substring(0, slash);
        return new Placement(split + "-" + inner, label(className, relative), split);
    }

    private int label(String className, String relative) {
        Integer label = labelOfClass.get(className);
        if (label == null) {
            throw new BadInputException(String.format(
                    Locale.ROOT, "%s/%s: class '%s' is not one of the %d classes %s", root, relative, className,
                    classNames.size(), abbreviated(classNames)));
        }
        return label;
    }

    /**
     * Lists names, or the first few of a long list.
     *
     * @param names the names
     * @return them, as text
     */
    public static String abbreviated(List<String> names) {
        if (names.size() <= 12) {
            return names.toString();
        }
        return names.subList(0, 10) + " and " + (names.size() - 10) + " more";
    }
}
