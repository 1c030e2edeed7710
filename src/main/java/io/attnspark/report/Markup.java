package io.attnspark.report;

import java.util.Locale;

/**
 * Escaping and number formatting for text that goes into HTML or SVG. Every string that comes from the
 * result tables (variant names, model names, paths) passes through {@link #escape} before it reaches the
 * page: a variant named {@code <script>} must show as text, not run.
 */
public final class Markup {

    private Markup() {}

    /**
     * Escapes text for HTML and SVG, in element content and in double- or single-quoted attributes.
     *
     * @param text the text, or null for the empty string
     * @return the escaped text
     */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    // Control characters other than tab, newline and carriage return are not allowed in XML (SVG).
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        b.append('\uFFFD');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /**
     * A coordinate for an SVG attribute: at most two decimals, no exponent, no locale.
     *
     * @param v the value (finite)
     * @return the text
     */
    public static String coord(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("an SVG coordinate must be finite, got " + v);
        }
        String s = String.format(Locale.ROOT, "%.2f", v);
        // Trim trailing zeros: "12.50" -> "12.5", "12.00" -> "12", "-0.00" -> "0".
        s = s.replaceAll("\\.?0+$", "");
        return s.equals("-0") ? "0" : s;
    }

    /**
     * A tick label: as many decimals as the tick step needs (step 0.25 gives two, step 5 none).
     *
     * @param v the value
     * @param step the distance between ticks (positive)
     * @return the text
     */
    public static String tick(double v, double step) {
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        // 0.25 needs two decimals though log10 says one.
        while (decimals < 6 && Math.abs(Math.round(step * Math.pow(10, decimals)) - step * Math.pow(10, decimals)) > 1e-6) {
            decimals++;
        }
        String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
        return s.matches("-0(\\.0+)?") ? s.substring(1) : s;
    }

    /**
     * A number with a fixed count of decimals, or a dash when absent.
     *
     * @param v the value, NaN when absent
     * @param decimals the decimals
     * @return the text
     */
    public static String fixed(double v, int decimals) {
        return Double.isNaN(v) ? "\u2014" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /**
     * A signed percentage of a fraction ({@code 0.05} gives {@code +5.0%}), or a dash when absent.
     *
     * @param fraction the fraction, NaN when absent
     * @return the text
     */
    public static String signedPercent(double fraction) {
        if (Double.isNaN(fraction)) {
            return "\u2014";
        }
        String s = String.format(Locale.ROOT, "%+.1f%%", fraction * 100);
        return s.equals("-0.0%") ? "+0.0%" : s;
    }

    /**
     * A count with a metric suffix: 272474 gives {@code 272.5 k}, 41_000_000 gives {@code 41.0 M}.
     *
     * @param n the count
     * @return the text
     */
    public static String count(long n) {
        double a = Math.abs((double) n);
        if (a >= 1e9) {
            return String.format(Locale.ROOT, "%.2f G", n / 1e9);
        } else if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", n / 1e6);
        } else if (a >= 1e3) {
            return String.format(Locale.ROOT, "%.1f k", n / 1e3);
        }
        return Long.toString(n);
    }
}
