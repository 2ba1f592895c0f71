#!/usr/bin/env python3
"""An automation client that knows nothing of LiSA-DP's .proto files: it
discovers the API through gRPC server reflection, builds the message types
from the descriptors it is sent, and drives the switch. Used by
tests/automation.rs; prints one JSON object with what it saw.

Usage: reflection_client.py UNIX_SOCKET_PATH
"""
import json
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format
from google.protobuf.message_factory import GetMessageClass
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc


def reflect(channel):
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)

    def ask(**kw):
        return next(iter(stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(**kw)]))))

    services = [s.name for s in ask(list_services="").list_services_response.service]
    files = {}
    for svc in services:
        if svc.startswith("grpc.reflection."):
            continue
        resp = ask(file_containing_symbol=svc)
        for raw in resp.file_descriptor_response.file_descriptor_proto:
            fd = descriptor_pb2.FileDescriptorProto.FromString(raw)
            files.setdefault(fd.name, fd)
    # A pool takes a file only after the files it imports; an import the
    # server did not send with the file is asked for by name (as grpcurl
    # does).
    pool = descriptor_pool.DescriptorPool()
    added = set()

    def add(name):
        if name in added:
            return
        added.add(name)
        if name not in files:
            resp = ask(file_by_filename=name)
            for raw in resp.file_descriptor_response.file_descriptor_proto:
                fd = descriptor_pb2.FileDescriptorProto.FromString(raw)
                files.setdefault(fd.name, fd)
        for dep in files[name].dependency:
            add(dep)
        pool.Add(files[name])

    for name in list(files):
        add(name)
    return services, pool


def caller(channel, pool):
    def call(method, body):
        svc_name, meth_name = method.rsplit("/", 1)
        meth = pool.FindServiceByName(svc_name).FindMethodByName(meth_name)
        req_cls = GetMessageClass(meth.input_type)
        resp_cls = GetMessageClass(meth.output_type)
        rpc = channel.unary_unary(
            "/%s/%s" % (svc_name, meth_name),
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=resp_cls.FromString,
        )
        req = json_format.ParseDict(body, req_cls())
        return json_format.MessageToDict(rpc(req, timeout=10))

    return call


def main():
    # A stock channel, no options: gRPC C-core puts the socket's path in
    # :authority, and lisad takes it (vendor/h2/LISA-DP.md).
    channel = grpc.insecure_channel("unix:" + sys.argv[1])
    services, pool = reflect(channel)
    call = caller(channel, pool)
    out = {"services": sorted(services)}
    out["version"] = call("lisa.v1.System/GetVersion", {})
    out["health"] = call("grpc.health.v1.Health/Check", {}).get("status")
    out["ports"] = [p["name"] for p in call("lisa.v1.Ports/ListPorts", {}).get("ports", [])]
    out["applied"] = call(
        "lisa.v1.Config/ApplyConfig", {"text": "vlan 42\n name automation\n"}
    ).get("changed", [])
    try:
        call("lisa.v1.Config/ApplyConfig", {"text": "vlan 4095\n"})
        out["bad_request"] = "accepted"
    except grpc.RpcError as e:
        out["bad_request"] = e.code().name
        out["bad_request_message"] = e.details()
    try:
        call("lisa.v1.Ports/AddPort", {"name": "Vhost1", "kind": "tape:x"})
        out["bad_port"] = "accepted"
    except grpc.RpcError as e:
        out["bad_port"] = e.code().name
    print(json.dumps(out))


if __name__ == "__main__":
    main()
