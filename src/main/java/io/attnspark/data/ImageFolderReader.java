package io.attnspark.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads an image folder laid out one sub-folder per class ({@code root/<class>/<file>.png|.jpg}), as
 * torchvision's {@code ImageFolder} does. Classes are the sub-folder names in sorted order and a
 * label is a class's index in that order. Each image is re-encoded as a PNG keeping its channels:
 * gray stays one channel, colour becomes three (RGB), alpha is dropped. Record ids are
 * {@code <split>-<class>/<path under the class folder>}, which stay the same as long as the files do.
 *
 * <p>This is the driver-side reader: every image passes through the JVM that iterates it. {@code
 * ingest folder} reads on the executors instead ({@code distributed.FolderIngest}); this reader stays
 * as the baseline of {@code bench ingest}.
 *
 * <p>The folder is listed when the reader opens, so a missing root or an empty class fails before
 * any image is decoded; images are then read one at a time. Files that are not PNG or JPEG by name
 * (such as {@code README} or {@code .DS_Store}) are skipped; hidden files and folders are ignored.
 */
public final class ImageFolderReader implements Iterator<ImageRecord> {

    private static final List<String> IMAGE_EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

    private final List<String> classNames;
    private final List<ImageFile> files;
    private final String split;
    private int nextIndex;

    private ImageFolderReader(List<String> classNames, List<ImageFile> files, String split) {
        this.classNames = classNames;
        this.files = files;
        this.split = split;
    }

    /** One image file and where it sits. */
    private record ImageFile(Path path, int label, String id) {}

    /**
     * Lists the class folders and their images.
     *
     * @param root the folder holding one sub-folder per class
     * @param split the split name given to every record
     * @return a reader positioned before the first image
     * @throws BadInputException if the root is missing, has no class folders, or a class folder
     *     holds no PNG or JPEG files
     */
    public static ImageFolderReader open(Path root, String split) {
        if (!Files.isDirectory(root)) {
            throw new BadInputException("missing folder: image folder root " + root + " does not exist or is not a folder");
        }
        List<Path> classDirs;
        try (Stream<Path> children = Files.list(root)) {
            classDirs = children.filter(p -> Files.isDirectory(p) && !isHidden(p))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new BadInputException(String.format(Locale.ROOT, "cannot list %s: %s", root, e), e);
        }
        if (classDirs.isEmpty()) {
            throw new BadInputException(String.format(
                    Locale.ROOT, "%s has no class sub-folders: expected one folder of PNG/JPEG images per class", root));
        }
        List<String> classNames = new ArrayList<>();
        List<ImageFile> files = new ArrayList<>();
        for (Path classDir : classDirs) {
            int label = classNames.size();
            String className = classDir.getFileName().toString();
            List<Path> images = listImages(classDir);
            if (images.isEmpty()) {
                throw new BadInputException(String.format(
                        Locale.ROOT, "empty class folder %s: it holds no .png, .jpg or .jpeg files", classDir));
            }
            classNames.add(className);
            for (Path image : images) {
                String relative = classDir.relativize(image).toString().replace('\\', '/');
                files.add(new ImageFile(image, label, split + "-" + className + "/" + relative));
            }
        }
        return new ImageFolderReader(Collections.unmodifiableList(classNames), files, split);
    }

    private static List<Path> listImages(Path classDir) {
        // Sorted by path so that the row order, like the ids, does not depend on the file system.
        try (Stream<Path> walk = Files.walk(classDir)) {
            return walk.filter(p -> Files.isRegularFile(p) && isImageName(p) && !isHiddenBelow(classDir, p))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new BadInputException(String.format(Locale.ROOT, "cannot list %s: %s", classDir, e), e);
        }
    }

    private static boolean isImageName(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return IMAGE_EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    private static boolean isHidden(Path path) {
        return path.getFileName().toString().startsWith(".");
    }

    private static boolean isHiddenBelow(Path classDir, Path file) {
        for (Path part : classDir.relativize(file)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns the class names: the sub-folder names, sorted; a label indexes this list.
     *
     * @return the class names
     */
    public List<String> classNames() {
        return classNames;
    }

    /**
     * Returns the number of image files found.
     *
     * @return the number of records this reader yields
     */
    public int count() {
        return files.size();
    }

    /** {@inheritDoc} */
    @Override
    public boolean hasNext() {
        return nextIndex < files.size();
    }

    /**
     * Reads, decodes and re-encodes the next image.
     *
     * @return the record
     * @throws BadInputException if the file cannot be read or is not a readable PNG or JPEG
     */
    @Override
    public ImageRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more images in the folder");
        }
        ImageFile file = files.get(nextIndex++);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file.path());
        } catch (IOException e) {
            throw new BadInputException(String.format(Locale.ROOT, "cannot read %s: %s", file.path(), e), e);
        }
        DecodedImage image = PngCodec.decode(bytes, file.path().toString());
        return new ImageRecord(file.id(), file.label(), PngCodec.encode(image), split,
                image.height(), image.width(), image.channels());
    }
}
