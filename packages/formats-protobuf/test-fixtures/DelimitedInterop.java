// Interop helper run by protobufInterop.integration.spec.ts with Google's Java protobuf (protobuf-java) on the
// classpath and a descriptor set written by protoc.
//   java -cp protobuf-java.jar DelimitedInterop.java read  <descriptor-set> <type> <file>   prints one summary line per message
//   java -cp protobuf-java.jar DelimitedInterop.java write <descriptor-set> <type> <file> <n> writes n messages with writeDelimitedTo
import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

public class DelimitedInterop {
  public static void main(String[] args) throws Exception {
    FileDescriptorSet set = FileDescriptorSet.parseFrom(new FileInputStream(args[1]));
    Map<String, FileDescriptor> built = new HashMap<>();
    Descriptor type = null;
    for (FileDescriptorProto proto : set.getFileList()) {
      List<FileDescriptor> deps = new ArrayList<>();
      for (String d : proto.getDependencyList()) deps.add(built.get(d));
      FileDescriptor fd = FileDescriptor.buildFrom(proto, deps.toArray(new FileDescriptor[0]));
      built.put(proto.getName(), fd);
      for (Descriptor m : fd.getMessageTypes()) if (m.getFullName().equals(args[2])) type = m;
    }
    if (type == null) throw new IllegalArgumentException("no type " + args[2]);
    if (args[0].equals("read")) read(type, args[3]);
    else write(type, args[3], Integer.parseInt(args[4]));
  }

  static void read(Descriptor type, String file) throws Exception {
    try (InputStream in = new BufferedInputStream(new FileInputStream(file))) {
      while (true) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
        if (!b.mergeDelimitedFrom(in)) break;
        DynamicMessage m = b.build();
        DynamicMessage address = (DynamicMessage) m.getField(type.findFieldByName("address"));
        FieldDescriptor contact = m.getOneofFieldDescriptor(type.getOneofs().get(0));
        System.out.println(String.join("|",
            String.valueOf(m.getField(type.findFieldByName("id"))),
            (String) m.getField(type.findFieldByName("name")),
            String.valueOf(m.getField(type.findFieldByName("tags"))),
            String.valueOf(address.getField(address.getDescriptorForType().findFieldByName("city"))),
            String.valueOf(address.getField(address.getDescriptorForType().findFieldByName("zip"))),
            String.valueOf(m.getField(type.findFieldByName("role"))),
            String.valueOf(m.getRepeatedFieldCount(type.findFieldByName("scores"))),
            ((ByteString) m.getField(type.findFieldByName("avatar"))).toStringUtf8(),
            contact == null ? "-" : contact.getName() + "=" + m.getField(contact),
            String.valueOf(m.getField(type.findFieldByName("balance")))));
      }
    }
  }

  static void write(Descriptor type, String file, int n) throws Exception {
    Descriptor addressType = type.findFieldByName("address").getMessageType();
    Descriptor entryType = type.findFieldByName("scores").getMessageType();
    try (OutputStream out = new BufferedOutputStream(new FileOutputStream(file))) {
      for (int i = 0; i < n; i++) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
        b.setField(type.findFieldByName("id"), 5_000_000_000L + i);
        b.setField(type.findFieldByName("name"), "java-" + i);
        for (int t = 0; t < i % 3; t++) b.addRepeatedField(type.findFieldByName("tags"), "t" + t);
        b.setField(type.findFieldByName("address"), DynamicMessage.newBuilder(addressType)
            .setField(addressType.findFieldByName("city"), "city-" + i)
            .setField(addressType.findFieldByName("zip"), 1000 + i).build());
        b.setField(type.findFieldByName("role"), type.findFieldByName("role").getEnumType().findValueByNumber(1 + i % 2));
        b.addRepeatedField(type.findFieldByName("scores"), DynamicMessage.newBuilder(entryType)
            .setField(entryType.findFieldByName("key"), "k" + i)
            .setField(entryType.findFieldByName("value"), i).build());
        b.setField(type.findFieldByName("avatar"), ByteString.copyFromUtf8("av" + i));
        b.setField(type.findFieldByName(i % 2 == 0 ? "email" : "phone"), "c" + i);
        b.setField(type.findFieldByName("balance"), i * 0.25 + 0.5);
        b.build().writeDelimitedTo(out);
      }
    }
  }
}
