"""Jupyter's own kernel conformance suite (python3-jupyter-kernel-test) against the `omniquant` kernel, plus the
protocol behaviours the suite does not cover: stop_on_error aborts, interrupts, silent/store_history, execution
counts, update_display_data, input_request on the stdin channel. Run by kernel/test/conformance.test.ts with JUPYTER_PATH pointing at a kernelspec
installed by `omq kernel install --prefix`."""
import signal
import time
import unittest

import jupyter_kernel_test
from jupyter_client.manager import start_new_kernel

TIMEOUT = 60


class OmniQuantKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "omniquant"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("oops, on stderr")'
    completion_samples = [
        {"text": "Math.ma", "matches": {"max"}},
        {"text": "const abcdef = 1; abcd", "matches": {"abcdef"}},
    ]
    complete_code_samples = ["1", 'console.log("x")', "function f() { return 1 }", "`a\nb`", "const x = [1,\n 2]"]
    incomplete_code_samples = ["function f() {", "`abc", "const x = [1, 2,", "if (true) {\n  1", "/* open comment"]
    invalid_code_samples = ["1 +* 2)", ")", "const 'x' = 1", "let = = 2;", "'unterminated"]
    code_page_something = "?Math.max"
    code_generate_error = 'throw new Error("boom")'
    code_execute_result = [
        {"code": "6*7", "result": "42"},
        {"code": '"a".repeat(3)', "result": "'aaa'"},
        {"code": "[1, 2, 3].map((x) => x * 2)", "result": "[ 2, 4, 6 ]"},
        {"code": 'display.table([{ a: 1, b: "x" }]); ({ html: true })', "mime": "text/plain"},
    ]
    code_display_data = [
        {"code": 'display.html("<b>bold</b>")', "mime": "text/html"},
        {"code": 'display.markdown("# title")', "mime": "text/markdown"},
        {"code": "display.table([{ a: 1, b: 2 }, { a: 3, b: 4 }])", "mime": "text/html"},
        {"code": 'display.plot({ data: [{ x: [1, 2], y: [3, 4], type: "scatter" }] })', "mime": "application/vnd.plotly.v1+json"},
        {"code": 'display.svg("<svg xmlns=\\"http://www.w3.org/2000/svg\\"></svg>")', "mime": "image/svg+xml"},
    ]
    code_history_pattern = "6*7"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "Math.max"
    code_clear_output = "display.clear()"


class ProtocolBehaviourTests(unittest.TestCase):
    """Behaviours beyond the suite, with jupyter_client as the real client."""

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name="omniquant", startup_timeout=TIMEOUT)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)

    def run_cell(self, code, **kw):
        outputs = []
        reply = self.kc.execute_interactive(code, timeout=TIMEOUT, output_hook=outputs.append, **kw)
        return reply, outputs

    def test_state_persists_and_names_can_be_redeclared(self):
        self.run_cell("const a = 20; let counter = 0;")
        self.run_cell("counter += a;")
        reply, outputs = self.run_cell("const a = 'now a string'; `${a} ${counter}`")
        self.assertEqual(reply["content"]["status"], "ok")
        results = [o for o in outputs if o["msg_type"] == "execute_result"]
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "'now a string 20'")

    def test_type_errors_report_line_and_column(self):
        reply, outputs = self.run_cell("const n: number = 1;\nconst s: string = n;")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "TypeScriptError")
        self.assertIn("line 2, column 7", reply["content"]["evalue"])
        self.assertIn("cell:2:7", "\n".join(reply["content"]["traceback"]))

    def test_top_level_await_and_esm_import(self):
        reply, outputs = self.run_cell(
            'import { table } from "arquero";\nconst t = table({ x: [1, 2, 3] });\nconst v = await Promise.resolve(t.numRows());\nv'
        )
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        results = [o for o in outputs if o["msg_type"] == "execute_result"]
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "3")
        reply, outputs = self.run_cell("v + t.numRows()")
        self.assertEqual([o for o in outputs if o["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"], "6")

    def test_execution_count_increments_and_silent_does_not(self):
        r1, _ = self.run_cell("1")
        r2, out = self.run_cell("2", silent=True)
        r3, _ = self.run_cell("3", store_history=False)
        r4, _ = self.run_cell("4")
        self.assertEqual(r4["content"]["execution_count"], r1["content"]["execution_count"] + 1)
        self.assertFalse([o for o in out if o["msg_type"] in ("execute_input", "execute_result")])

    def test_stop_on_error_aborts_queued_cells(self):
        self.run_cell("0")
        first = self.kc.execute('throw new Error("first fails")')
        second = self.kc.execute("const neverRuns = 1")
        replies = {}
        deadline = time.time() + TIMEOUT
        while len(replies) < 2 and time.time() < deadline:
            msg = self.kc.get_shell_msg(timeout=TIMEOUT)
            replies[msg["parent_header"]["msg_id"]] = msg["content"]["status"]
        self.assertEqual(replies[first], "error")
        self.assertEqual(replies[second], "aborted")
        time.sleep(0.3)
        reply, _ = self.run_cell("1 + 1")
        self.assertEqual(reply["content"]["status"], "ok")

    def test_stop_on_error_false_keeps_running(self):
        first = self.kc.execute('throw new Error("tolerated")', stop_on_error=False)
        second = self.kc.execute("2")
        statuses = {}
        while len(statuses) < 2:
            msg = self.kc.get_shell_msg(timeout=TIMEOUT)
            statuses[msg["parent_header"]["msg_id"]] = msg["content"]["status"]
        self.assertEqual(statuses, {first: "error", second: "ok"})

    def _interrupt_during(self, code):
        msg_id = self.kc.execute(code)
        time.sleep(1.5)
        self.km.interrupt_kernel()
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        return reply

    def test_interrupt_busy_loop_keeps_state(self):
        self.run_cell("const kept = 41;")
        reply = self._interrupt_during("while (true) {}")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "InterruptError")
        time.sleep(0.3)
        reply, outputs = self.run_cell("kept + 1")
        self.assertEqual([o for o in outputs if o["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"], "42")

    def test_interrupt_by_sigint_signal(self):
        msg_id = self.kc.execute("let spins = 0; while (true) { spins++; }")
        time.sleep(1.5)
        self.km.signal_kernel(signal.SIGINT)
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        self.assertEqual(reply["content"]["ename"], "InterruptError")
        time.sleep(0.3)
        reply, outputs = self.run_cell("spins > 0")
        self.assertEqual([o for o in outputs if o["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"], "true")

    def test_interrupt_pending_await(self):
        reply = self._interrupt_during("await new Promise(() => {})")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "InterruptError")
        time.sleep(0.3)
        reply, _ = self.run_cell("1")
        self.assertEqual(reply["content"]["status"], "ok")

    def test_input_request_round_trip(self):
        prompts = []

        def answer(msg):
            prompts.append(msg["content"])
            self.kc.input("s3cret" if msg["content"]["password"] else "AAPL")

        reply, outputs = self.run_cell(
            'const sym = await input("Symbol? ");\nconst key = await input("API key: ", { password: true });\n`${sym}:${key.length}`',
            allow_stdin=True,
            stdin_hook=answer,
        )
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        self.assertEqual(prompts, [{"prompt": "Symbol? ", "password": False}, {"prompt": "API key: ", "password": True}])
        self.assertEqual([o for o in outputs if o["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"], "'AAPL:6'")

    def test_input_without_stdin_is_a_clear_error(self):
        reply, _ = self.run_cell('await input("Symbol? ")', allow_stdin=False)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "StdinNotImplementedError")
        self.assertIn("allow_stdin: false", reply["content"]["evalue"])
        reply, _ = self.run_cell("1")
        self.assertEqual(reply["content"]["status"], "ok")

    def test_update_display_data_and_progress(self):
        reply, outputs = self.run_cell("const p = display.progress(3); p.tick(); p.tick(); p.tick(); p.done();")
        self.assertEqual(reply["content"]["status"], "ok")
        kinds = [o["msg_type"] for o in outputs]
        self.assertIn("display_data", kinds)
        self.assertIn("update_display_data", kinds)
        ids = {o["content"]["transient"]["display_id"] for o in outputs if o["msg_type"] in ("display_data", "update_display_data")}
        self.assertEqual(len(ids), 1)

    def test_omniquant_imports_resolve(self):
        reply, outputs = self.run_cell('import { rollingMean } from "omniquant/native";\nArray.from(rollingMean(new Float64Array([1, 2, 3, 4]), 2))')
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        self.assertEqual([o for o in outputs if o["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"], "[ NaN, 1.5, 2.5, 3.5 ]")


if __name__ == "__main__":
    unittest.main()
