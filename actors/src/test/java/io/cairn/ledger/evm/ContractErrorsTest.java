package io.cairn.ledger.evm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.protocol.ErrorCode;
import io.cairn.protocol.Rejection;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint64;

class ContractErrorsTest {

  /** A contract error added later must be given its code here, not fall through as unknown. */
  @Test
  void everyErrorInTheContractsAbiIsKnown() throws IOException {
    List<String> unknown = new ArrayList<>();
    int errors = 0;
    for (String contract :
        List.of("CairnToken", "Marketplace", "Escrow", "ChecksumReports", "ProviderStakes")) {
      for (JsonNode entry : abi(contract)) {
        if (!"error".equals(entry.path("type").asText())) {
          continue;
        }
        List<String> types = new ArrayList<>();
        entry.path("inputs").forEach(input -> types.add(input.path("type").asText()));
        String signature = entry.path("name").asText() + "(" + String.join(",", types) + ")";
        errors++;
        if (ContractErrors.signatureOf(ContractErrors.selector(signature)).isEmpty()) {
          unknown.add(contract + ": " + signature);
        }
      }
    }
    assertTrue(errors > 30, "the ABIs were read: " + errors);
    assertEquals(List.of(), unknown);
  }

  @Test
  void aCustomErrorIsRefusedWithItsCodeAndArguments() {
    String data =
        ContractErrors.selector("BelowMinimumSeconds(uint64,uint64)")
            + FunctionEncoder.encodeConstructor(
                List.of(new Uint64(BigInteger.valueOf(59)), new Uint64(BigInteger.valueOf(60))));
    Rejection refused = ContractErrors.rejection("\"" + data + "\"");
    assertEquals(ErrorCode.BELOW_MINIMUM_SECONDS, refused.code());
    assertEquals(
        "the contract refused: BelowMinimumSeconds(seconds=59, minimumSeconds=60)",
        refused.getMessage());
  }

  @Test
  void revertDataIsFoundAsAStringOrInsideAnObject() {
    assertEquals("8916378e00", ContractErrors.revertData("\"0x8916378e00\""));
    assertEquals("8916378e00", ContractErrors.revertData("0x8916378e00"));
    assertEquals(
        "8916378e00",
        ContractErrors.revertData(
            "{\"message\":\"reverted\",\"data\":{\"data\":\"0x8916378e00\"}}"));
    assertEquals("", ContractErrors.revertData("\"execution reverted\""));
    assertEquals("", ContractErrors.revertData(null));
  }

  @Test
  void aReasonAPanicAnUnknownErrorOrNoneAreContractReverted() {
    String reason =
        ContractErrors.selector("Error(string)")
            + FunctionEncoder.encodeConstructor(List.of(new Utf8String("no")));
    Rejection withReason = ContractErrors.rejection(reason);
    assertEquals(ErrorCode.CONTRACT_REVERTED, withReason.code());
    assertTrue(withReason.getMessage().contains("reason=no"), withReason.getMessage());
    assertEquals(ErrorCode.CONTRACT_REVERTED, ContractErrors.rejection("\"0xdeadbeef\"").code());
    assertEquals(ErrorCode.CONTRACT_REVERTED, ContractErrors.rejection("\"0x\"").code());
    assertEquals(
        ErrorCode.CONTRACT_REVERTED,
        ContractErrors.rejection(ContractErrors.selector("Panic(uint256)") + "11".repeat(32))
            .code());
  }

  private static JsonNode abi(String contract) throws IOException {
    try (InputStream in =
        ContractErrorsTest.class.getResourceAsStream("/io/cairn/contracts/" + contract + ".abi")) {
      if (in == null) {
        throw new AssertionError("no ABI of " + contract + " on the class path");
      }
      return new ObjectMapper().readTree(in);
    }
  }
}
