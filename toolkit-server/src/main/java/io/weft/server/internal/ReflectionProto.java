package io.weft.server.internal;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.TextFormat;

/**
 * grpc/reflection/{v1,v1alpha}/reflection.proto as descriptors, so that reflection describes itself
 * like every service it lists ({@code grpcurl describe} resolves each listed name). The two
 * versions differ only in their package.
 */
final class ReflectionProto {
  private ReflectionProto() {}

  /** The file's descriptor in text form, {@code PKG} standing for the package. */
  private static final String TEXT =
      """
      name: "grpc/reflection/PKG/reflection.proto"
      package: "grpc.reflection.PKG"
      syntax: "proto3"
      message_type {
        name: "ServerReflectionRequest"
        field { name: "host" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING json_name: "host" }
        field { name: "file_by_filename" number: 3 label: LABEL_OPTIONAL type: TYPE_STRING oneof_index: 0 json_name: "fileByFilename" }
        field { name: "file_containing_symbol" number: 4 label: LABEL_OPTIONAL type: TYPE_STRING oneof_index: 0 json_name: "fileContainingSymbol" }
        field { name: "file_containing_extension" number: 5 label: LABEL_OPTIONAL type: TYPE_MESSAGE
                type_name: ".grpc.reflection.PKG.ExtensionRequest" oneof_index: 0 json_name: "fileContainingExtension" }
        field { name: "all_extension_numbers_of_type" number: 6 label: LABEL_OPTIONAL type: TYPE_STRING oneof_index: 0
                json_name: "allExtensionNumbersOfType" }
        field { name: "list_services" number: 7 label: LABEL_OPTIONAL type: TYPE_STRING oneof_index: 0 json_name: "listServices" }
        oneof_decl { name: "message_request" }
      }
      message_type {
        name: "ExtensionRequest"
        field { name: "containing_type" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING json_name: "containingType" }
        field { name: "extension_number" number: 2 label: LABEL_OPTIONAL type: TYPE_INT32 json_name: "extensionNumber" }
      }
      message_type {
        name: "ServerReflectionResponse"
        field { name: "valid_host" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING json_name: "validHost" }
        field { name: "original_request" number: 2 label: LABEL_OPTIONAL type: TYPE_MESSAGE
                type_name: ".grpc.reflection.PKG.ServerReflectionRequest" json_name: "originalRequest" }
        field { name: "file_descriptor_response" number: 4 label: LABEL_OPTIONAL type: TYPE_MESSAGE
                type_name: ".grpc.reflection.PKG.FileDescriptorResponse" oneof_index: 0 json_name: "fileDescriptorResponse" }
        field { name: "all_extension_numbers_response" number: 5 label: LABEL_OPTIONAL type: TYPE_MESSAGE
                type_name: ".grpc.reflection.PKG.ExtensionNumberResponse" oneof_index: 0 json_name: "allExtensionNumbersResponse" }
        field { name: "list_services_response" number: 6 label: LABEL_OPTIONAL type: TYPE_MESSAGE
                type_name: ".grpc.reflection.PKG.ListServiceResponse" oneof_index: 0 json_name: "listServicesResponse" }
        field { name: "error_response" number: 7 label: LABEL_OPTIONAL type: TYPE_MESSAGE
                type_name: ".grpc.reflection.PKG.ErrorResponse" oneof_index: 0 json_name: "errorResponse" }
        oneof_decl { name: "message_response" }
      }
      message_type {
        name: "FileDescriptorResponse"
        field { name: "file_descriptor_proto" number: 1 label: LABEL_REPEATED type: TYPE_BYTES json_name: "fileDescriptorProto" }
      }
      message_type {
        name: "ExtensionNumberResponse"
        field { name: "base_type_name" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING json_name: "baseTypeName" }
        field { name: "extension_number" number: 2 label: LABEL_REPEATED type: TYPE_INT32 json_name: "extensionNumber" }
      }
      message_type {
        name: "ListServiceResponse"
        field { name: "service" number: 1 label: LABEL_REPEATED type: TYPE_MESSAGE
                type_name: ".grpc.reflection.PKG.ServiceResponse" json_name: "service" }
      }
      message_type {
        name: "ServiceResponse"
        field { name: "name" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING json_name: "name" }
      }
      message_type {
        name: "ErrorResponse"
        field { name: "error_code" number: 1 label: LABEL_OPTIONAL type: TYPE_INT32 json_name: "errorCode" }
        field { name: "error_message" number: 2 label: LABEL_OPTIONAL type: TYPE_STRING json_name: "errorMessage" }
      }
      service {
        name: "ServerReflection"
        method { name: "ServerReflectionInfo" input_type: ".grpc.reflection.PKG.ServerReflectionRequest"
                 output_type: ".grpc.reflection.PKG.ServerReflectionResponse" client_streaming: true server_streaming: true }
      }
      """;

  /** The descriptor of reflection.proto in package {@code grpc.reflection.<version>}. */
  static FileDescriptor file(String version) {
    FileDescriptorProto.Builder b = FileDescriptorProto.newBuilder();
    try {
      TextFormat.merge(TEXT.replace("PKG", version), b);
      return FileDescriptor.buildFrom(b.build(), new FileDescriptor[0]);
    } catch (TextFormat.ParseException | Descriptors.DescriptorValidationException e) {
      throw new IllegalStateException("reflection.proto's descriptor: " + e.getMessage(), e);
    }
  }
}
