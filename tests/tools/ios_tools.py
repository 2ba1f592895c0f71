#!/usr/bin/env python3
"""Drives LiSA-DP over SSH with the IOS automation tools from PyPI, as a
network engineer would: Netmiko (device_type cisco_ios), NAPALM's ios
driver, Ansible's cisco.ios collection. Prints one JSON object of what each
tool returned; the Rust tests (tests/e2e/ios_tools.rs) check it against the
switch.

    ios_tools.py netmiko PORT USER PASSWORD [SECRET]
    ios_tools.py napalm PORT USER PASSWORD [SECRET]
    ios_tools.py ansible PORT USER PASSWORD [SECRET]

With LISA_PING_TARGETS="REACHABLE ABSENT" in the environment, napalm also
pings both from the switch (ping()) and traces the route to REACHABLE
(traceroute()).
"""
import json
import os
import sys


def netmiko_session(port, user, password, secret):
    from netmiko import ConnectHandler

    d = ConnectHandler(
        device_type="cisco_ios",
        host="127.0.0.1",
        port=port,
        username=user,
        password=password,
        secret=secret,
        timeout=30,
        conn_timeout=30,
    )
    out = {"prompt": d.find_prompt()}
    if secret:
        d.enable()
        out["enabled_prompt"] = d.find_prompt()
    out["mac"] = d.send_command("show mac address-table", use_textfsm=True)
    out["vlans_before"] = d.send_command("show vlan brief", use_textfsm=True)
    out["config"] = d.send_config_set(
        [
            "vlan 30",
            "name web",
            "interface Ethernet2",
            "description web server",
            "switchport access vlan 30",
        ]
    )
    out["bad_config"] = d.send_config_set(["interface Ethernet2", "switchport mode bogus"])
    out["save"] = d.save_config()
    out["vlans_after"] = d.send_command("show vlan brief", use_textfsm=True)
    out["interfaces_status"] = d.send_command("show interfaces status", use_textfsm=True)
    out["users"] = d.send_command("show users", use_textfsm=True)
    out["version"] = d.send_command("show version", use_textfsm=True)
    d.disconnect()
    return out


def napalm_getters(port, user, password, secret):
    from napalm import get_network_driver

    driver = get_network_driver("ios")
    d = driver("127.0.0.1", user, password, optional_args={"port": port, "secret": secret})
    d.open()
    out = {
        "facts": d.get_facts(),
        "interfaces": d.get_interfaces(),
        "interfaces_ip": d.get_interfaces_ip(),
        "vlans": d.get_vlans(),
        "mac_address_table": d.get_mac_address_table(),
        "arp_table": d.get_arp_table(),
        "alive": d.is_alive(),
    }
    targets = os.environ.get("LISA_PING_TARGETS", "").split()
    if targets:
        reachable, absent = targets
        out["ping"] = d.ping(reachable, count=3)
        out["ping_absent"] = d.ping(absent, count=2, timeout=1)
        out["traceroute"] = d.traceroute(reachable, ttl=5, timeout=1)
    d.close()
    return out


PLAYBOOK = """
- hosts: switch
  gather_facts: false
  tasks:
    - name: show commands
      cisco.ios.ios_command:
        commands: [show version, show vlan brief]
      register: command
    - name: VLANs as they are
      cisco.ios.ios_vlans:
        state: gathered
      register: vlans_gathered
    - name: add VLAN 30
      cisco.ios.ios_vlans:
        state: merged
        config: [{vlan_id: 30, name: web}]
      register: vlans_merged
    - name: add VLAN 30 again (nothing to do)
      cisco.ios.ios_vlans:
        state: merged
        config: [{vlan_id: 30, name: web}]
      register: vlans_again
    - name: Ethernet2 into VLAN 30
      cisco.ios.ios_l2_interfaces:
        state: merged
        config: [{name: Ethernet2, mode: access, access: {vlan: 30}}]
      register: l2_merged
    - name: Ethernet2 into VLAN 30 again (nothing to do)
      cisco.ios.ios_l2_interfaces:
        state: merged
        config: [{name: Ethernet2, mode: access, access: {vlan: 30}}]
      register: l2_again
    - name: describe Ethernet1 and save
      cisco.ios.ios_config:
        lines: [description managed by ansible]
        parents: [interface Ethernet1]
        save_when: modified
      register: config
"""


def ansible_play(port, user, password, secret):
    import os
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        inventory = {
            "all": {
                "hosts": {
                    "switch": {
                        "ansible_host": "127.0.0.1",
                        "ansible_port": port,
                        "ansible_user": user,
                        "ansible_password": password,
                        "ansible_connection": "ansible.netcommon.network_cli",
                        "ansible_network_os": "cisco.ios.ios",
                        "ansible_host_key_checking": False,
                        "ansible_become": bool(secret),
                        "ansible_become_method": "enable",
                        "ansible_become_password": secret,
                    }
                }
            }
        }
        with open(os.path.join(d, "inventory.json"), "w") as f:
            json.dump(inventory, f)
        with open(os.path.join(d, "play.yml"), "w") as f:
            f.write(PLAYBOOK)
        env = dict(
            os.environ,
            ANSIBLE_STDOUT_CALLBACK="json",
            ANSIBLE_HOST_KEY_CHECKING="False",
            ANSIBLE_LOCAL_TEMP=os.path.join(d, "tmp"),
            ANSIBLE_PERSISTENT_CONTROL_PATH_DIR=os.path.join(d, "pc"),
            ANSIBLE_NOCOLOR="1",
        )
        run = subprocess.run(
            ["ansible-playbook", "-i", os.path.join(d, "inventory.json"), os.path.join(d, "play.yml")],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    try:
        report = json.loads(run.stdout)
    except ValueError:
        sys.exit("ansible-playbook gave no JSON:\n" + run.stdout + run.stderr)
    tasks = {}
    for play in report["plays"]:
        for t in play["tasks"]:
            tasks[t["task"]["name"]] = t["hosts"].get("switch", {})
    return {"rc": run.returncode, "tasks": tasks, "stats": report.get("stats", {})}


def main():
    tools = {"netmiko": netmiko_session, "napalm": napalm_getters, "ansible": ansible_play}
    tool = tools.get(sys.argv[1])
    if tool is None:
        sys.exit("unknown tool " + sys.argv[1])
    port, user, password = int(sys.argv[2]), sys.argv[3], sys.argv[4]
    secret = sys.argv[5] if len(sys.argv) > 5 else ""
    json.dump(tool(port, user, password, secret), sys.stdout, indent=1, default=str)


if __name__ == "__main__":
    main()
