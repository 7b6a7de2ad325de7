// Interop helper run by avroTools.integration.spec.ts with Apache Avro's Java library on the classpath
// (avro-tools jar). Usage: java -cp avro-tools.jar SingleObjectInterop.java <schema.avsc> <hex-message-from-js>
// Decodes the JavaScript-written single-object message with BinaryMessageDecoder and prints it as JSON,
// then prints the hex of {"n": 42, "tag": "java"} encoded with BinaryMessageEncoder.
import java.io.File;
import java.util.HexFormat;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;

public class SingleObjectInterop {
  public static void main(String[] args) throws Exception {
    Schema schema = new Schema.Parser().parse(new File(args[0]));
    BinaryMessageDecoder<GenericRecord> decoder = new BinaryMessageDecoder<>(GenericData.get(), schema);
    GenericRecord fromJs = decoder.decode(HexFormat.of().parseHex(args[1]));
    System.out.println(fromJs.toString());
    System.out.println(Long.toUnsignedString(SchemaNormalization.parsingFingerprint64(schema)));
    GenericRecord rec = new GenericRecordBuilder(schema).set("n", 42).set("tag", "java").build();
    BinaryMessageEncoder<GenericRecord> encoder = new BinaryMessageEncoder<>(GenericData.get(), schema);
    System.out.println(HexFormat.of().formatHex(encoder.encode(rec).array()));
  }
}
