package io.attnspark.nn;

import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Where a module goes in a residual backbone when a spec does not say, as its paper places it, in
 * the backbone's vocabulary ({@code model.AttentionPlacement} parses the ids).
 *
 * @param position {@code branch}, {@code stage-end}, {@code after-block}, {@code conv} or {@code fusion}
 * @param stages the 1-based stages for a backbone with the given number of stages
 * @param blocks {@code all}, {@code last} or {@code every-other}
 * @param options options the paper sets for this backbone family
 */
public record DefaultPlacement(
        String position, IntFunction<List<Integer>> stages, String blocks, Map<String, Object> options) {

    /** Copies the options. */
    public DefaultPlacement {
        options = Map.copyOf(options);
    }

    /**
     * Stages {@code from} to the last one less {@code beforeLast}, never fewer than stage {@code from}.
     *
     * @param from the first stage, 1-based
     * @param beforeLast how many stages before the last one to stop
     * @return the stages for a stage count
     */
    public static IntFunction<List<Integer>> stages(int from, int beforeLast) {
        return count -> IntStream.rangeClosed(from, Math.max(from, count - beforeLast)).boxed().toList();
    }

    /**
     * The last stage only.
     *
     * @return the stages for a stage count
     */
    public static IntFunction<List<Integer>> lastStage() {
        return count -> List.of(count);
    }
}
