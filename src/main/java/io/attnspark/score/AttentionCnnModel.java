package io.attnspark.score;

import ai.djl.Device;
import io.attnspark.distributed.DeviceAssignment;
import io.attnspark.train.Precision;
import io.attnspark.train.TorchRuntime;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;

/**
 * A trained attention CNN as a Spark ML {@link Model}: {@link #transform} appends to every row a
 * struct column ({@code outputCol}, fields as in {@link PredictionsTable#PREDICTION}) with the
 * top-k labels, indices and probabilities of the image in {@code inputCol} (PNG or JPEG bytes), the
 * model id, and an error message for a row that cannot be scored. All input columns are kept, so
 * the result joins back to the user's data.
 *
 * <p>Scoring runs in {@code mapPartitions}: the parameters are broadcast once per transform; each
 * executor loads the network once per model and device ({@link LoadedModels}) and each task batches
 * its rows through a {@link BatchScorer} that is closed when the task ends. The device is the task's
 * GPU when Spark assigned one, else the CPU with {@code spark.task.cpus} threads, as in training.
 *
 * <p>ML persistence: {@code write().save(path)} stores Spark's params metadata and the model
 * artifact under {@code path/model}; {@link #load(String)} reads both back, and a
 * {@code PipelineModel} holding this stage saves and loads it the same way.
 */
public final class AttentionCnnModel extends Model<AttentionCnnModel> implements MLWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final ScoringModel model;
    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final Param<String> idCol;
    private final IntParam topK;
    private final IntParam batchSize;
    private final BooleanParam resizeToInput;
    private final Param<String> precision;

    /**
     * Wraps a model with a random uid and the default params.
     *
     * @param model the model
     */
    public AttentionCnnModel(ScoringModel model) {
        this(Identifiable.randomUID("attentionCnn"), model);
    }

    /**
     * Wraps a model with a given uid and the default params.
     *
     * @param uid the stage's uid
     * @param model the model
     */
    public AttentionCnnModel(String uid, ScoringModel model) {
        this.uid = uid;
        this.model = model;
        this.inputCol = new Param<>(this, "inputCol", "column with the image as PNG or JPEG bytes (binary)");
        this.outputCol = new Param<>(this, "outputCol",
                "appended struct column: labels, indices, probabilities, model_id, error");
        this.idCol = new Param<>(this, "idCol",
                "column naming a row in error messages; ignored when the input has no such column");
        this.topK = new IntParam(this, "topK", "classes per row, most probable first (1..classes; default 5, or all classes if fewer)",
                ParamValidators.gtEq(1));
        this.batchSize = new IntParam(this, "batchSize", "images per forward pass (>= 1)", ParamValidators.gtEq(1));
        setDefault(inputCol, "image");
        setDefault(outputCol, "prediction");
        setDefault(idCol, "id");
        setDefault(topK, Math.min(5, model.spec().classes()));
        this.resizeToInput = new BooleanParam(this, "resizeToInput", "resize each image's shorter side to input / 0.875"
                + " and centre-crop it to the model's input (torchvision's evaluation view); if false, images must"
                + " have the model's input size");
        this.precision = new Param<>(this, "precision", "what the forward passes compute in: float32 or bfloat16"
                + " (bfloat16 only where the device has bfloat16 arithmetic, else float32; the parameters stay float32)",
                ParamValidators.inArray(new String[] {Precision.FLOAT32.configName(), Precision.BFLOAT16.configName()}));
        setDefault(batchSize, 128);
        setDefault(resizeToInput, false);
        setDefault(precision, Precision.FLOAT32.configName());
    }

    /** {@inheritDoc} */
    @Override
    public String uid() {
        return uid;
    }

    /**
     * Returns the model this stage scores with.
     *
     * @return the model
     */
    public ScoringModel model() {
        return model;
    }

    /**
     * The image column param.
     *
     * @return the param
     */
    public Param<String> inputCol() {
        return inputCol;
    }

    /**
     * The output column param.
     *
     * @return the param
     */
    public Param<String> outputCol() {
        return outputCol;
    }

    /**
     * The id column param (error messages only).
     *
     * @return the param
     */
    public Param<String> idCol() {
        return idCol;
    }

    /**
     * The top-k param.
     *
     * @return the param
     */
    public IntParam topK() {
        return topK;
    }

    /**
     * The batch size param.
     *
     * @return the param
     */
    public IntParam batchSize() {
        return batchSize;
    }

    /** @return the image column */
    public String getInputCol() {
        return getOrDefault(inputCol);
    }

    /** @return the output column */
    public String getOutputCol() {
        return getOrDefault(outputCol);
    }

    /** @return the id column */
    public String getIdCol() {
        return getOrDefault(idCol);
    }

    /** @return classes per row */
    public int getTopK() {
        return (Integer) getOrDefault(topK);
    }

    /** @return images per forward pass */
    public int getBatchSize() {
        return (Integer) getOrDefault(batchSize);
    }

    /**
     * Sets the image column.
     *
     * @param value the column
     * @return this
     */
    public AttentionCnnModel setInputCol(String value) {
        set(inputCol, value);
        return this;
    }

    /**
     * Sets the output column.
     *
     * @param value the column
     * @return this
     */
    public AttentionCnnModel setOutputCol(String value) {
        set(outputCol, value);
        return this;
    }

    /**
     * Sets the id column used in error messages.
     *
     * @param value the column
     * @return this
     */
    public AttentionCnnModel setIdCol(String value) {
        set(idCol, value);
        return this;
    }

    /**
     * Sets how many classes each row gets.
     *
     * @param value 1..classes
     * @return this
     */
    public AttentionCnnModel setTopK(int value) {
        set(topK, value);
        return this;
    }

    /**
     * Sets the images per forward pass.
     *
     * @param value at least 1
     * @return this
     */
    public AttentionCnnModel setBatchSize(int value) {
        set(batchSize, value);
        return this;
    }

    /**
     * Whether images are resized and centre-cropped to the model's input.
     *
     * @return the param
     */
    public BooleanParam resizeToInput() {
        return resizeToInput;
    }

    /**
     * Returns whether images are resized to the model's input.
     *
     * @return the value
     */
    public boolean getResizeToInput() {
        return (Boolean) getOrDefault(resizeToInput);
    }

    /**
     * Sets whether images are resized and centre-cropped to the model's input.
     *
     * @param value true to resize images of any size
     * @return this
     */
    public AttentionCnnModel setResizeToInput(boolean value) {
        set(resizeToInput, value);
        return this;
    }

    /**
     * The precision param.
     *
     * @return the param
     */
    public Param<String> precision() {
        return precision;
    }

    /**
     * Returns what the forward passes compute in.
     *
     * @return {@code float32} or {@code bfloat16}
     */
    public String getPrecision() {
        return getOrDefault(precision);
    }

    /**
     * Sets what the forward passes compute in.
     *
     * @param value {@code float32} or {@code bfloat16}
     * @return this
     * @throws IllegalArgumentException naming the param and the valid values
     */
    public AttentionCnnModel setPrecision(String value) {
        set(precision, Precision.parse("precision", value).configName());
        return this;
    }

    /**
     * Checks the input column (present, binary), the output column (absent) and top-k (at most
     * the model's classes), and appends the output column.
     *
     * @param schema the input schema
     * @return the output schema
     * @throws IllegalArgumentException naming the column or param that is wrong
     */
    @Override
    public StructType transformSchema(StructType schema) {
        String in = getInputCol();
        String out = getOutputCol();
        if (!Arrays.asList(schema.fieldNames()).contains(in)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s: input column '%s' does not exist; the columns are %s (set inputCol to the image column)",
                    uid, in, Arrays.toString(schema.fieldNames())));
        }
        DataType type = schema.apply(in).dataType();
        if (!type.equals(DataTypes.BinaryType)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s: input column '%s' is %s; expected binary (PNG or JPEG bytes)", uid, in, type.simpleString()));
        }
        if (Arrays.asList(schema.fieldNames()).contains(out)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s: output column '%s' already exists; set outputCol to a new name", uid, out));
        }
        if (getTopK() > model.spec().classes()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s: topK = %d but model %s has %d classes", uid, getTopK(), model.id(), model.spec().classes()));
        }
        return schema.add(out, PredictionsTable.PREDICTION, false);
    }

    /** {@inheritDoc} */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType schema = dataset.schema();
        StructType outSchema = transformSchema(schema);
        Broadcast<ScoringModel> shared =
                JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext()).broadcast(model);
        String id = model.id();
        int k = getTopK();
        int batch = getBatchSize();
        boolean resize = getResizeToInput();
        Precision arithmetic = Precision.parse("precision", getPrecision());
        int imageIndex = schema.fieldIndex(getInputCol());
        int idIndex = Arrays.asList(schema.fieldNames()).indexOf(getIdCol());
        PartitionScoring how = new PartitionScoring(id, arithmetic, k, batch, resize);
        MapPartitionsFunction<Row, Row> score = rows -> scorePartition(rows, shared, how, imageIndex, idIndex);
        return dataset.toDF().mapPartitions(score, Encoders.row(outSchema));
    }

    /** What every scoring task of one transform needs besides its rows. */
    private record PartitionScoring(String modelId, Precision precision, int topK, int batchSize, boolean resize)
            implements java.io.Serializable {}

    private static Iterator<Row> scorePartition(Iterator<Row> rows, Broadcast<ScoringModel> shared,
            PartitionScoring how, int imageIndex, int idIndex) {
        String modelId = how.modelId();
        TaskContext task = TaskContext.get();
        TorchRuntime.useIntraOpThreads(DeviceAssignment.threadsForTask(task));
        Device device = DeviceAssignment.forTask(task);
        LoadedModels.Handle handle = LoadedModels.acquire(modelId, how.precision(), device, shared::value);
        BatchScorer scorer;
        try {
            scorer = new BatchScorer(handle, modelId, how.topK(), how.batchSize(), how.resize());
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) context -> scorer.close());
        }
        return scorer.score(rows, imageIndex, idIndex);
    }

    /** {@inheritDoc} */
    @Override
    public AttentionCnnModel copy(ParamMap extra) {
        AttentionCnnModel that = copyValues(new AttentionCnnModel(uid, model), extra);
        return that.setParent(parent());
    }

    /** {@inheritDoc} */
    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    /**
     * The reader of saved stages (Spark ML calls it through {@code PipelineModel.load} too).
     *
     * @return the reader
     */
    public static MLReader<AttentionCnnModel> read() {
        return new Reader();
    }

    /**
     * Loads a stage saved with {@code write().save(path)}.
     *
     * @param path the folder
     * @return the stage
     */
    public static AttentionCnnModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "AttentionCnnModel: uid=%s, model=%s", uid, model.id());
    }

    /** Saves Spark's params metadata and the model artifact under {@code path/model}. */
    private static final class Writer extends MLWriter {
        private final AttentionCnnModel instance;

        Writer(AttentionCnnModel instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(instance, path, sparkSession());
            instance.model.save(new Path(path, "model").toString(), sc().hadoopConfiguration());
        }
    }

    /** Reads what {@link Writer} saved. */
    private static final class Reader extends MLReader<AttentionCnnModel> {
        @Override
        public AttentionCnnModel load(String path) {
            DefaultParamsReader.Metadata metadata =
                    DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(), AttentionCnnModel.class.getName());
            ScoringModel model = ScoringModel.load(new Path(path, "model").toString(), sc().hadoopConfiguration());
            AttentionCnnModel stage = new AttentionCnnModel(metadata.uid(), model);
            metadata.getAndSetParams(stage, scala.Option.empty());
            return stage;
        }
    }
}
