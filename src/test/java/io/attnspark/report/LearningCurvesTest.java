package io.attnspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LearningCurvesTest {

    @Test
    void meanPerEpochOverRunsEachRunCountingOnce() {
        ReportData data = new ReportData("r",
                List.of(HtmlReportTest.run("a1", "se", 1, 0.9), HtmlReportTest.run("a2", "se", 2, 0.9),
                        HtmlReportTest.run("b1", "baseline", 1, 0.9)),
                List.of(new ReportData.Evaluation("a1", 1.0, 0.80),
                        new ReportData.Evaluation("a2", 1.0000000001, 0.70), // the same epoch, computed differently
                        new ReportData.Evaluation("a1", 2.0, 0.90),
                        new ReportData.Evaluation("a2", 2.0, 0.84),
                        new ReportData.Evaluation("a2", 2.0, 0.86), // evaluated twice: averaged first
                        new ReportData.Evaluation("b1", 1.0, 0.75),
                        new ReportData.Evaluation("zz", 1.0, 0.10), // a run not in the runs table
                        new ReportData.Evaluation("b1", 2.0, Double.NaN)),
                List.of());
        Map<String, List<LearningCurves.Point>> curves = LearningCurves.of(data);
        assertEquals(List.of("baseline", "se"), List.copyOf(curves.keySet()), "baseline first");
        assertEquals(List.of(new LearningCurves.Point(1.0, 0.75, 1)), curves.get("baseline"));
        List<LearningCurves.Point> se = curves.get("se");
        assertEquals(2, se.size());
        assertEquals(1.0, se.get(0).epoch(), 0);
        assertEquals(0.75, se.get(0).meanTop1(), 1e-12);
        assertEquals(2, se.get(0).runs());
        assertEquals(0.875, se.get(1).meanTop1(), 1e-12);
        assertEquals(2, se.get(1).runs());
    }
}
