package io.attnspark.distributed;

import io.attnspark.data.BadInputException;
import io.attnspark.data.FolderLayout;
import io.attnspark.data.IngestEncoding;
import io.attnspark.data.LabelsCsv;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * {@code ingest folder}: an image folder on any Hadoop file system ({@code file://}, {@code hdfs://},
 * {@code s3a://} or a local path) becomes an image table, read by Spark's {@code binaryFile} source on
 * the executors: no image bytes pass through the driver. The driver only lists folders: the class
 * folders, the split folders, and the folders a labels file refers to (see {@link FolderLayout}).
 *
 * <p>Files: {@code .png}, {@code .jpg}, {@code .jpeg} in any case, at any depth; names starting with
 * '.' or '_' (files and folders) are skipped, as Spark's file listing skips them. Every image is
 * decoded on an executor; the table keeps the original bytes, or resized JPEGs ({@link
 * IngestEncoding}), and the size columns. A bad file fails the job with a {@link BadInputException}
 * naming it, or with {@code skipBad} is listed in {@code <out>/_rejected} ({@link RejectedFiles}).
 * The table is written like every image table: to a temporary sibling, renamed into place at the end.
 */
public final class FolderIngest {

    // Hadoop glob, matched against file names: the image extensions in any case.
    private static final String IMAGE_GLOB = "*.{[pP][nN][gG],[jJ][pP][gG],[jJ][pP][eE][gG]}";
    private static final List<String> IMAGE_EXTENSIONS = List.of(".png", ".jpg", ".jpeg");
    // Output files of about this size: binaryFile packs small files into many small partitions
    // (it charges 4 MiB per file), which would write one small Parquet file each.
    private static final long BYTES_PER_TASK = 64L << 20;

    private FolderIngest() {}

    /**
     * What to ingest and how.
     *
     * @param root the folder: a local path or a Hadoop file system URI
     * @param split the split of every image, or null to use split folders when the root has them
     *     ({@code train/} with {@code val/} and/or {@code test/}) and {@code train} otherwise
     * @param labels a labels file ({@link LabelsCsv}) on any Hadoop file system, or null
     * @param encoding how images are stored
     * @param skipBad whether bad files are listed in {@code _rejected} instead of failing the job
     * @param out the table path
     * @param overwrite whether to replace an existing table
     */
    public record Settings(String root, String split, String labels, IngestEncoding encoding, boolean skipBad,
            String out, boolean overwrite) {}

    /**
     * What an ingest wrote.
     *
     * @param classNames the class names, indexed by label
     * @param splitFolders split folder name to split name; empty for a one-split root
     * @param rowsPerSplit rows written per split, in the order train, then the others
     * @param rejected files rejected as bad (only with {@code skipBad}; else the job failed)
     * @param ignored images outside any class folder (directly in the root or a split folder)
     */
    public record Outcome(List<String> classNames, Map<String, String> splitFolders, Map<String, Long> rowsPerSplit,
            long rejected, long ignored) {}

    /**
     * Ingests a folder.
     *
     * @param spark the session
     * @param settings what and how
     * @return what was written
     * @throws BadInputException for a missing root, no classes, an empty class folder, a bad labels
     *     file row (naming its row number), an existing output without overwrite, or (without
     *     {@code skipBad}) the first bad file met, naming it; the output is then left as it was
     */
    public static Outcome run(SparkSession spark, Settings settings) {
        Path root = qualifiedFolder(spark, settings.root());
        FileSystem fs = fileSystem(spark, root);
        LabelsCsv labels = settings.labels() == null ? null : readLabels(spark, settings.labels());
        FolderLayout layout = layout(fs, root, settings.split(), labels);
        if (labels != null) {
            checkLabelledFiles(fs, root, layout, labels);
        }

        List<String> loadRoots = new ArrayList<>();
        if (layout.splitFolders().isEmpty()) {
            loadRoots.add(root.toString());
        } else {
            layout.splitFolders().keySet().forEach(folder -> loadRoots.add(new Path(root, folder).toString()));
        }
        Dataset<Row> files = spark.read().format("binaryFile")
                .option("recursiveFileLookup", "true")
                .option("pathGlobFilter", IMAGE_GLOB)
                .load(loadRoots.toArray(String[]::new))
                .select("path", "content");
        // The listing's total file size, known without reading a file; at least one task per core.
        long bytes = files.queryExecution().optimizedPlan().stats().sizeInBytes().longValue();
        int tasks = (int) Math.max(spark.sparkContext().defaultParallelism(),
                Math.min(100_000, (bytes + BYTES_PER_TASK - 1) / BYTES_PER_TASK));

        CollectionAccumulator<RejectedFiles.Rejection> rejected =
                spark.sparkContext().collectionAccumulator("ingest: rejected files");
        LongAccumulator ignored = spark.sparkContext().longAccumulator("ingest: images outside class folders");
        Dataset<Row> rows = files.coalesce(tasks).mapPartitions(
                new FolderImageRows(layout, settings.encoding(), settings.skipBad(), rejected, ignored),
                Encoders.row(ImageTable.schema(layout.classNames())));
        Dataset<Row> table = ImageTable.withClassNames(rows, layout.classNames());

        Map<String, Long> rowsPerSplit = ImageTable.writeAtomically(spark, settings.out(), settings.overwrite(), tmp -> {
            try {
                table.write().parquet(tmp.toString());
            } catch (Exception e) { // SparkException, thrown unannounced: an executor's BadInputException inside
                BadInputException bad = badInput(e);
                if (bad != null) {
                    throw new BadInputException(bad.getMessage(), e);
                }
                throw e;
            }
            if (settings.skipBad()) {
                RejectedFiles.write(spark, rejected.value(), tmp);
            }
            return countPerSplit(spark, tmp, layout.splits());
        });
        return new Outcome(layout.classNames(), layout.splitFolders(), rowsPerSplit,
                settings.skipBad() ? rejected.value().size() : 0, ignored.value());
    }

    private static Path qualifiedFolder(SparkSession spark, String folder) {
        try {
            Path path = new Path(folder);
            FileSystem fs = fileSystem(spark, path);
            path = fs.makeQualified(path);
            if (!fs.getFileStatus(path).isDirectory()) {
                throw new BadInputException("ingest root " + path + " is a file, not a folder of images");
            }
            return path;
        } catch (FileNotFoundException e) {
            throw new BadInputException("missing folder: ingest root " + folder + " does not exist", e);
        } catch (IOException e) {
            throw new BadInputException(String.format(Locale.ROOT, "cannot open ingest root %s: %s", folder, e), e);
        }
    }

    private static FileSystem fileSystem(SparkSession spark, Path path) {
        try {
            return path.getFileSystem(spark.sparkContext().hadoopConfiguration());
        } catch (IOException e) {
            throw new BadInputException(String.format(Locale.ROOT, "no file system for %s: %s", path, e), e);
        }
    }

    private static BadInputException badInput(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BadInputException bad) {
                return bad;
            }
        }
        return null;
    }

    private static Map<String, Long> countPerSplit(SparkSession spark, Path table, List<String> splits) {
        Map<String, Long> counted = new HashMap<>();
        for (Row r : spark.read().parquet(table.toString()).groupBy(ImageTable.SPLIT).count().collectAsList()) {
            counted.put(r.getString(0), r.getLong(1));
        }
        Map<String, Long> ordered = new LinkedHashMap<>();
        for (String split : splits) {
            if (counted.containsKey(split)) {
                ordered.put(split, counted.remove(split));
            }
        }
        ordered.putAll(counted); // none expected: every split comes from the layout
        return ordered;
    }

    private static LabelsCsv readLabels(SparkSession spark, String file) {
        Path path = new Path(file);
        try (InputStream in = path.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(path)) {
            return LabelsCsv.parse(in, file);
        } catch (FileNotFoundException e) {
            throw new BadInputException("missing labels file: " + file + " does not exist", e);
        } catch (IOException e) {
            throw new BadInputException(String.format(Locale.ROOT, "cannot read labels file %s: %s", file, e), e);
        }
    }

    /** Lists the root (folders only, no file contents) and decides splits and classes. */
    private static FolderLayout layout(FileSystem fs, Path root, String split, LabelsCsv labels) {
        List<String> top = visibleFolders(fs, root);
        boolean splitFolders = split == null && top.contains("train")
                && FolderLayout.EVALUATION_FOLDERS.stream().anyMatch(top::contains);
        // The folders holding class folders: the root, or each split folder; and their class folders.
        Map<String, List<String>> classFoldersOf = new LinkedHashMap<>();
        Map<String, String> splitOfFolder = splitFolders ? FolderLayout.splitsOfFolders(top) : Map.of();
        if (splitFolders) {
            splitOfFolder.keySet().forEach(f -> classFoldersOf.put(f, visibleFolders(fs, new Path(root, f))));
        } else {
            classFoldersOf.put("", top);
        }
        Path classesRoot = splitFolders ? new Path(root, "train") : root;
        List<String> classNames = classFoldersOf.get(splitFolders ? "train" : "");
        if (labels != null) {
            classNames = checkedLabels(labels, classNames, classesRoot);
        }
        if (classNames.isEmpty()) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "%s has no class sub-folders: expected one folder of PNG/JPEG images per class (or train/ and"
                            + " val/ folders holding them, or --labels for images not sorted into folders)",
                    classesRoot));
        }
        Set<String> known = new HashSet<>(classNames);
        Set<String> flat = new HashSet<>();
        for (Map.Entry<String, List<String>> parent : classFoldersOf.entrySet()) {
            Path parentPath = parent.getKey().isEmpty() ? root : new Path(root, parent.getKey());
            if (parent.getValue().isEmpty()) {
                flat.add(parent.getKey());
            }
            for (String classFolder : parent.getValue()) {
                Path dir = new Path(parentPath, classFolder);
                if (!known.contains(classFolder)) {
                    throw new BadInputException(String.format(Locale.ROOT,
                            "%s is a class folder that train/ does not have: the classes are train/'s folders, %s",
                            dir, FolderLayout.abbreviated(classNames)));
                }
                // Like torchvision's ImageFolder, an empty class folder is an error: a label without images.
                if (!holdsImage(fs, dir)) {
                    throw new BadInputException(String.format(Locale.ROOT,
                            "empty class folder %s: it holds no .png, .jpg or .jpeg files", dir));
                }
            }
        }
        return splitFolders
                ? FolderLayout.splitFolders(root.toString(), splitOfFolder, classNames, labels, flat)
                : FolderLayout.oneSplit(root.toString(), split == null ? "train" : split, classNames, labels,
                        flat.contains(""));
    }

    /** The labels' classes: the class folders when there are any (each row's class must be one), else the labels' own. */
    private static List<String> checkedLabels(LabelsCsv labels, List<String> classFolders, Path classesRoot) {
        if (classFolders.isEmpty()) {
            TreeSet<String> names = new TreeSet<>();
            labels.rows().forEach(r -> names.add(r.className()));
            return new ArrayList<>(names);
        }
        Set<String> known = new HashSet<>(classFolders);
        for (LabelsCsv.Row row : labels.rows()) {
            if (!known.contains(row.className())) {
                throw labels.error(row, String.format(Locale.ROOT,
                        "unknown class '%s': the classes are the class folders of %s, %s",
                        row.className(), classesRoot, FolderLayout.abbreviated(classFolders)));
            }
        }
        return classFolders;
    }

    /** Every labels row names an image file that the ingest reads: listed folder by folder, not file by file. */
    private static void checkLabelledFiles(FileSystem fs, Path root, FolderLayout layout, LabelsCsv labels) {
        Map<String, Set<String>> filesOfFolder = new HashMap<>();
        for (LabelsCsv.Row row : labels.rows()) {
            String path = row.path();
            String[] parts = path.split("/");
            for (String part : parts) {
                if (isHidden(part)) {
                    throw labels.error(row, String.format(Locale.ROOT,
                            "%s is hidden: names starting with '.' or '_' are skipped", path));
                }
            }
            if (!layout.splitFolders().isEmpty()
                    && (parts.length < 2 || !layout.splitFolders().containsKey(parts[0]))) {
                throw labels.error(row, String.format(Locale.ROOT,
                        "%s is not in a split folder (%s) of %s", path,
                        String.join("/, ", layout.splitFolders().keySet()) + "/", root));
            }
            if (!isImageName(parts[parts.length - 1])) {
                throw labels.error(row, path + " is not a .png, .jpg or .jpeg file");
            }
            int slash = path.lastIndexOf('/');
            String folder = slash < 0 ? "" : path.substring(0, slash);
            Set<String> names = filesOfFolder.computeIfAbsent(folder, f -> fileNames(fs, f.isEmpty() ? root : new Path(root, f)));
            if (!names.contains(parts[parts.length - 1])) {
                throw labels.error(row, String.format(Locale.ROOT, "no file %s/%s", root, path));
            }
        }
    }

    private static Set<String> fileNames(FileSystem fs, Path dir) {
        Set<String> names = new HashSet<>();
        try {
            for (FileStatus s : fs.listStatus(dir)) {
                if (s.isFile()) {
                    names.add(s.getPath().getName());
                }
            }
        } catch (FileNotFoundException e) {
            return names;
        } catch (IOException e) {
            throw new BadInputException(String.format(Locale.ROOT, "cannot list %s: %s", dir, e), e);
        }
        return names;
    }

    private static List<String> visibleFolders(FileSystem fs, Path dir) {
        List<String> names = new ArrayList<>();
        try {
            for (FileStatus s : fs.listStatus(dir)) {
                if (s.isDirectory() && !isHidden(s.getPath().getName())) {
                    names.add(s.getPath().getName());
                }
            }
        } catch (IOException e) {
            throw new BadInputException(String.format(Locale.ROOT, "cannot list %s: %s", dir, e), e);
        }
        names.sort(null);
        return names;
    }

    /** Whether a folder holds at least one visible image, at any depth; stops at the first. */
    private static boolean holdsImage(FileSystem fs, Path dir) {
        String prefix = dir.toString() + "/";
        try {
            RemoteIterator<LocatedFileStatus> files = fs.listFiles(dir, true);
            while (files.hasNext()) {
                Path file = files.next().getPath();
                String relative = file.toString().startsWith(prefix) ? file.toString().substring(prefix.length())
                        : file.getName();
                boolean hidden = false;
                for (String part : relative.split("/")) {
                    hidden |= isHidden(part);
                }
                if (!hidden && isImageName(file.getName())) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new BadInputException(String.format(Locale.ROOT, "cannot list %s: %s", dir, e), e);
        }
    }

    private static boolean isHidden(String name) {
        return name.startsWith(".") || name.startsWith("_");
    }

    private static boolean isImageName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return IMAGE_EXTENSIONS.stream().anyMatch(lower::endsWith);
    }
}
