package io.cairn.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cairn.protocol.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docs/api.md's table of error codes is the one the node answers with: every code, its status. */
class ErrorTableTest {
  @Test
  void everyErrorCodeIsInTheTableWithItsStatus() throws Exception {
    String document = Files.readString(Path.of("../docs/api.md"), StandardCharsets.UTF_8);
    String table = document.substring(document.indexOf("## Errors"));
    table = table.substring(0, table.indexOf("\n\n", table.indexOf("| code | status |")));
    Map<String, Integer> documented = new TreeMap<>();
    for (String row : table.lines().filter(line -> line.matches("\\|.*\\| \\d{3} \\|")).toList()) {
      int status = Integer.parseInt(row.replaceAll(".*\\| (\\d{3}) \\|$", "$1"));
      Matcher code = Pattern.compile("`([A-Z_]+)`").matcher(row);
      while (code.find()) {
        documented.put(code.group(1), status);
      }
    }
    Map<String, Integer> answered =
        Arrays.stream(ErrorCode.values())
            .collect(
                Collectors.toMap(Enum::name, ErrorCode::httpStatus, (a, b) -> a, TreeMap::new));
    assertEquals(answered, documented);
  }
}
