package io.attnspark.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A labels file for image folders whose images are not sorted into class folders (such as ImageNet's
 * validation folder): CSV rows {@code path,label}, the path relative to the ingest root with '/'
 * separators, the label a class name. An optional first line {@code path,label} is a header. Fields
 * may be double-quoted (a quote inside doubled), so paths may hold commas. Blank lines are skipped;
 * row numbers are line numbers, counting the header, as an editor shows them.
 */
public final class LabelsCsv {

    /**
     * One labelled image.
     *
     * @param row the line number in the file, 1-based
     * @param path the image's path relative to the root
     * @param className its class name
     */
    public record Row(int row, String path, String className) {}

    private final String name;
    private final List<Row> rows;

    private LabelsCsv(String name, List<Row> rows) {
        this.name = name;
        this.rows = rows;
    }

    /**
     * Parses a labels file.
     *
     * @param in the file's bytes, UTF-8; not closed
     * @param name the file, for error messages
     * @return the rows
     * @throws BadInputException naming the file and the row number for a malformed row (not two
     *     fields, an empty field, an unterminated quote, an absolute path or one with {@code ..}) or a
     *     path listed twice
     */
    public static LabelsCsv parse(InputStream in, String name) {
        List<Row> rows = new ArrayList<>();
        Map<String, Integer> firstRow = new HashMap<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        int lineNumber = 0;
        try {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1); // a byte-order mark some spreadsheets write
                }
                if (line.isBlank() || (lineNumber == 1 && line.strip().equalsIgnoreCase("path,label"))) {
                    continue;
                }
                List<String> fields = fields(line, name, lineNumber);
                if (fields.size() != 2) {
                    throw rowError(name, lineNumber, String.format(
                            Locale.ROOT, "expected 2 fields (path,label), found %d: %s", fields.size(), line));
                }
                String path = normalise(fields.get(0).strip(), name, lineNumber);
                String className = fields.get(1).strip();
                if (className.isEmpty()) {
                    throw rowError(name, lineNumber, "empty label (a class name) for " + path);
                }
                Integer earlier = firstRow.putIfAbsent(path, lineNumber);
                if (earlier != null) {
                    throw rowError(name, lineNumber, String.format(
                            Locale.ROOT, "%s is listed again (first on row %d)", path, earlier));
                }
                rows.add(new Row(lineNumber, path, className));
            }
        } catch (IOException e) {
            throw new BadInputException(String.format(
                    Locale.ROOT, "cannot read labels file %s after row %d: %s", name, lineNumber, e), e);
        }
        return new LabelsCsv(name, Collections.unmodifiableList(rows));
    }

    private static List<String> fields(String line, String name, int lineNumber) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.toString().isBlank()) {
                quoted = true;
                field.setLength(0);
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw rowError(name, lineNumber, "a quoted field is not closed: " + line);
        }
        fields.add(field.toString());
        return fields;
    }

    private static String normalise(String path, String name, int lineNumber) {
        String p = path.startsWith("./") ? path.substring(2) : path;
        if (p.isEmpty()) {
            throw rowError(name, lineNumber, "empty path");
        }
        if (p.startsWith("/") || p.contains("://") || p.contains("\\")) {
            throw rowError(name, lineNumber, "the path must be relative to --root with '/' separators, got " + path);
        }
        for (String part : p.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw rowError(name, lineNumber, "the path must be a plain relative path (no '..', '.' or '//'), got "
                        + path);
            }
        }
        return p;
    }

    private static BadInputException rowError(String name, int lineNumber, String what) {
        return new BadInputException(String.format(Locale.ROOT, "labels file %s, row %d: %s", name, lineNumber, what));
    }

    /**
     * Returns the rows in file order.
     *
     * @return the rows
     */
    public List<Row> rows() {
        return rows;
    }

    /**
     * Returns the file's name, as given to {@link #parse}.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Fails for a row, naming the file and its row number.
     *
     * @param row the row
     * @param what what is wrong with it
     * @return the error, to throw
     */
    public BadInputException error(Row row, String what) {
        return rowError(name, row.row(), what);
    }
}
