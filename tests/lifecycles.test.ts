/**
 * Status lifecycles: the data in schemas/<provider>/lifecycle.json as the validators use it, for a single
 * delivery (Amplia Reg names its transition) and for a sequence of deliveries made of real fixtures.
 */
import { fixtureNames, getFixture } from "@webhook-contracts/fixtures";
import { loadContracts } from "@webhook-contracts/contracts";
import { validateWebhook, validators } from "@webhook-contracts/validators";
import { checkSequence, lifecycles } from "@webhook-contracts/validators/lifecycles";
import { describe, expect, it } from "vitest";

const contracts = await loadContracts();
const amplia = (name: string) => getFixture("amplia-reg", "OrderStatusChanged", name as never);
const kinds = (report: ReturnType<typeof checkSequence>) => report.findings.map((f) => [f.kind, f.index, f.otherIndex]);

describe("the lifecycle data", () => {
  it("exists for every provider with statuses, and covers every status its schemas allow", () => {
    for (const provider of ["amplia-reg", "ivy", "retorna", "scalapay"] as const) {
      const lifecycle = lifecycles[provider]!;
      const contract = contracts.find((p) => p.name === provider)!.lifecycles.find((l) => l.name === "")!;
      const reached = new Set(lifecycle.transitions.map((t) => t.to));
      expect([...reached].sort(), provider).toEqual([...contract.statuses].sort());
      for (const final of lifecycle.final) expect(lifecycle.successors[final], `${provider} ${final}`).toEqual([]);
    }
  });

  it("lists every transition the Amplia Reg docs show, each shown by one of their examples", () => {
    const lifecycle = lifecycles["amplia-reg"]!;
    const shown = new Set(
      fixtureNames("amplia-reg", "OrderStatusChanged").map((name) => {
        const t = amplia(name).orderStatusTransitionModel;
        return `${t.previousStatus} -> ${t.status}`;
      }),
    );
    const documented = lifecycle.transitions.filter((t) => t.source.startsWith("docs: ")).map((t) => `${t.from} -> ${t.to}`);
    expect(documented.length).toBe(9);
    for (const transition of documented) expect(shown, transition).toContain(transition);
    // And each example passes strict mode, its transition included (no transition warning).
    for (const name of fixtureNames("amplia-reg", "OrderStatusChanged"))
      expect(validateWebhook("amplia-reg", amplia(name), { mode: "strict" }).ok, name).toBe(true);
  });
});

describe("a single Amplia Reg delivery", () => {
  it("is accepted with a warning when the table does not list its transition (the table is partly inferred), and rejected in strict mode", () => {
    const body = amplia("06-certificate-issued.en");
    body.orderStatusTransitionModel.previousStatus = "InConfirmation"; // a pre-approved order, say (ARNG-222)
    const result = validateWebhook("amplia-reg", body);
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([
      {
        provider: "amplia-reg",
        messageName: "OrderStatusChanged",
        path: "/orderStatusTransitionModel/status",
        keyword: "transition",
        expected: 'a status that can follow "InConfirmation": "WaitingIssue", "Declined", "Canceled"',
        received: '"Issued"',
        message:
          '"InConfirmation" -> "Issued" is not a transition the Amplia Reg certificate order lifecycle lists (the table may lack a flow): expected a status that can follow "InConfirmation": "WaitingIssue", "Declined", "Canceled"',
        inferred: true,
      },
    ]);
    const strict = validateWebhook("amplia-reg", body, { mode: "strict" });
    expect(strict.ok ? [] : strict.errors.map((e) => [e.path, e.keyword, e.received])).toEqual([
      ["/orderStatusTransitionModel/status", "transition", '"Issued"'],
    ]);
  });

  it("is rejected, in either mode, for a transition the provider documents as impossible", () => {
    const body = amplia("09-order-cancelled.en");
    body.orderStatusTransitionModel.previousStatus = "Issued";
    const result = validateWebhook("amplia-reg", body);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((e) => [e.keyword, e.message])).toEqual([
      [
        "transition",
        '"Issued" -> "Canceled" cannot happen in the Amplia Reg certificate order lifecycle (docs: cancel-order.md, an issued order cannot be cancelled (CannotCancelOrder))',
      ],
    ]);
  });

  it("says so when the table has nothing after a status, and when a new order starts elsewhere", () => {
    const revoked = amplia("07-certificate-revoked.en");
    revoked.orderStatusTransitionModel.previousStatus = "Revoked";
    revoked.orderStatusTransitionModel.status = "Issued";
    expect(validateWebhook("amplia-reg", revoked).warnings[0]!.expected).toBe('no further status: "Revoked" is final in the table');
    const created = amplia("01-order-created.en");
    created.orderStatusTransitionModel.status = "InValidation";
    expect(validateWebhook("amplia-reg", created).warnings[0]!.expected).toBe('a status a new order starts in: "WaitingValidation"');
  });

  it("accepts a status Amplia Reg added (ARNG-471) with one warning, and leaves it out of the lifecycle check", () => {
    const body = amplia("03-order-in-confirmation-queue.en");
    body.orderStatusTransitionModel.status = "WaitingDocuments";
    const result = validateWebhook("amplia-reg", body);
    // Checked as OrderStatusChanged, handed out as a message we do not know: handlers of the known statuses never see it.
    expect(result).toMatchObject({ ok: true, message: undefined, unknownMessage: "WaitingDocuments" });
    expect(result.warnings.map((w) => [w.path, w.keyword])).toEqual([["/orderStatusTransitionModel/status", "x-known-values"]]);
    expect(validateWebhook("amplia-reg", body, { mode: "strict" }).ok).toBe(false);
    // The next delivery names it as its previous status: the lifecycle says once that it cannot check it.
    const next = amplia("04-order-under-confirmation.en");
    next.orderStatusTransitionModel.previousStatus = "WaitingDocuments";
    expect(validateWebhook("amplia-reg", next).warnings.map((w) => [w.keyword, w.received])).toEqual([["x-known-values", '"WaitingDocuments"']]);
  });
});

describe("checkSequence on real fixtures", () => {
  it("accepts the docs' order from creation to cancellation, in order", () => {
    const names = [
      "01-order-created",
      "02-order-under-validation",
      "03-order-in-confirmation-queue",
      "04-order-under-confirmation",
      "05-order-approved",
      "09-order-cancelled",
    ];
    const report = checkSequence(
      "amplia-reg",
      names.map((n) => amplia(`${n}.en`)),
    );
    expect(report).toEqual({ ok: true, provider: "amplia-reg", deliveries: 6, subjects: ["0195a9dc-c0f0-4f5c-83d3-bf562ae98ed9"], findings: [] });
  });

  it("flags a duplicate and an out-of-order pair", () => {
    const arrived = [
      "01-order-created",
      "02-order-under-validation",
      "04-order-under-confirmation",
      "03-order-in-confirmation-queue",
      "04-order-under-confirmation",
    ];
    const report = checkSequence(
      "amplia-reg",
      arrived.map((n) => amplia(`${n}.en`)),
    );
    expect(report.ok).toBe(false);
    expect(kinds(report)).toEqual([
      ["out-of-order", 3, 2],
      ["duplicate", 4, 2],
    ]);
    expect(report.findings[0]!.message).toBe('"WaitingConfirmation" happened before "InConfirmation" (delivery #3) but arrived after it');
  });

  it("finds the delivery that never came, from the previousStatus Amplia Reg sends", () => {
    const report = checkSequence(
      "amplia-reg",
      ["01-order-created", "03-order-in-confirmation-queue"].map((n) => amplia(`${n}.en`)),
    );
    expect(kinds(report)).toEqual([["missing-delivery", 1, 0]]);
    expect(report.findings[0]!.message).toContain('the delivery of "WaitingValidation" -> "InValidation" is missing');
  });

  it("groups deliveries by order", () => {
    const report = checkSequence("amplia-reg", [amplia("06-certificate-issued.en"), amplia("01-order-created.en"), amplia("07-certificate-revoked.en")]);
    expect(report.ok).toBe(true);
    expect(report.subjects).toEqual(["0195aa59-f1b8-4154-b709-7149fcf37c70", "0195a9dc-c0f0-4f5c-83d3-bf562ae98ed9"]);
  });

  it("reports an unlisted and an impossible single transition and an invalid delivery without stopping", () => {
    const unlisted = amplia("06-certificate-issued.en");
    unlisted.orderStatusTransitionModel.previousStatus = "WaitingValidation";
    const impossible = amplia("09-order-cancelled.en");
    impossible.orderStatusTransitionModel.previousStatus = "Issued";
    const report = checkSequence("amplia-reg", [amplia("05-order-approved.en"), unlisted, impossible, { type: "OrderStatusChanged" }]);
    expect(report.findings.map((f) => [f.kind, f.index])).toEqual([
      ["unlisted-transition", 1],
      ["illegal-transition", 2],
      ["missing-delivery", 2], // its order was last seen WaitingIssue (#1), and it names Issued as its previous status
      ["invalid", 3],
    ]);
  });

  it("uses the payload's timestamp for Retorna, and the transitions for Scalapay, which has none", () => {
    const created = { ...getFixture("retorna", "payout_order_status"), status: "CREATED" as const, updatedTime: "2024-10-03T18:42:48.000Z" };
    const processed = getFixture("retorna", "payout_order_status");
    expect(kinds(checkSequence("retorna", [processed, created]))).toEqual([["out-of-order", 1, 0]]);
    expect(checkSequence("retorna", [created, processed]).ok).toBe(true);

    const charged = { ...getFixture("scalapay", "charged"), orderToken: "E1KLSVMATB" };
    const authorized = getFixture("scalapay", "authorized");
    const report = checkSequence("scalapay", [charged, authorized]);
    expect(kinds(report)).toEqual([["unlisted-transition", 1, 0]]);
    expect(report.findings[0]!.message).toMatch(/after "charged" it lists "refunded" \(these payloads carry no timestamp/);
    expect(checkSequence("scalapay", [authorized, charged]).ok).toBe(true);
  });

  it("keeps a delivery of an unknown Amplia Reg status in the sequence: a finding for it, no false missing delivery after it", () => {
    const names = ["01-order-created", "02-order-under-validation"];
    const added = amplia("03-order-in-confirmation-queue.en");
    added.orderStatusTransitionModel.status = "AwaitingResources";
    const next = amplia("04-order-under-confirmation.en");
    next.orderStatusTransitionModel.previousStatus = "AwaitingResources";
    const report = checkSequence("amplia-reg", [...names.map((n) => amplia(`${n}.en`)), added, next]);
    expect(kinds(report)).toEqual([["unlisted-transition", 2, undefined]]);
    expect(report.findings[0]!.message).toBe(
      '"InValidation" -> "AwaitingResources" not checked: a status the Amplia Reg certificate order lifecycle does not know',
    );
  });

  it("takes a status named like an Object.prototype key as an unknown status, not a crash", () => {
    const body = { ...getFixture("retorna", "payout_order_status"), status: "constructor" };
    expect(validateWebhook("retorna", body)).toMatchObject({ ok: true, warnings: [expect.objectContaining({ keyword: "x-known-values" })] });
    const created = { ...getFixture("retorna", "payout_order_status"), status: "CREATED" as const, updatedTime: "2024-10-03T18:42:48.000Z" };
    expect(() => checkSequence("retorna", [{ ...body, updatedTime: "2024-10-03T18:42:40.000Z" }, created])).not.toThrow();
    const amplia07 = amplia("07-certificate-revoked.en");
    amplia07.orderStatusTransitionModel.previousStatus = "toString";
    expect(validateWebhook("amplia-reg", amplia07).ok).toBe(true);
  });

  it("says it cannot check a status it does not know, without failing the delivery (Retorna)", () => {
    const created = { ...getFixture("retorna", "payout_order_status"), status: "CREATED" as const, updatedTime: "2024-10-03T18:42:48.000Z" };
    const held = { ...getFixture("retorna", "payout_order_status"), status: "ON_HOLD", updatedTime: "2024-10-03T18:42:50.000Z" };
    const report = checkSequence("retorna", [created, held]);
    expect(kinds(report)).toEqual([["unlisted-transition", 1, 0]]);
    expect(report.findings[0]!.message).toBe('"CREATED" (delivery #1) -> "ON_HOLD" not checked: a status the Retorna payout order lifecycle does not know');
    expect(validateWebhook("retorna", held)).toMatchObject({ ok: true, warnings: [expect.objectContaining({ path: "/status", keyword: "x-known-values" })] });
  });

  it("follows an Ivy order through order_created and order_updated, and ignores events of other lifecycles", () => {
    const created = getFixture("ivy", "order_created", "waiting-for-payment");
    const paid = getFixture("ivy", "order_updated", "paid");
    const test = getFixture("ivy", "test");
    expect(checkSequence("ivy", [created, test, paid])).toMatchObject({ ok: true, subjects: [created.payload.id] });
    const refunded = getFixture("ivy", "refund_succeeded");
    const backwards = { ...created, id: "another-event", payload: { ...created.payload, updatedAt: "2025-06-21T00:00:00.000Z" } };
    expect(kinds(checkSequence("ivy", [refunded, backwards]))).toEqual([["unlisted-transition", 1, 0]]);
  });
});

describe("several lifecycles of one provider", () => {
  const ivyContract = contracts.find((p) => p.name === "ivy")!;

  it("are Ivy's orders (lifecycle.json) and its payouts, returns, deposits and conversions (lifecycle.<name>.json)", () => {
    expect(validators.ivy.lifecycles.map((l) => [l.name, l.title])).toEqual([
      ["", "Ivy order"],
      ["conversion", "Ivy conversion"],
      ["deposit", "Ivy deposit"],
      ["payout", "Ivy payout"],
      ["return", "Ivy return"],
    ]);
    // The orders' lifecycle is the provider's `lifecycle`, as for the providers with one.
    expect(lifecycles.ivy).toEqual(validators.ivy.lifecycle);
    expect(validators.ivy.lifecycleOf("payout.paid")?.name).toBe("payout");
    expect(validators.ivy.lifecycleOf("order_updated")?.name).toBe("");
    expect(validators.ivy.lifecycleOf("ping.test")).toBeUndefined();
    // Each placed status is reached; the statuses no source places are listed apart, and not drawn.
    for (const contract of ivyContract.lifecycles) {
      const reached = new Set(contract.transitions.map((t) => t.to));
      expect([...reached].sort(), contract.file).toEqual([...contract.statuses].sort());
      for (const { status } of contract.unplaced) expect(contract.statuses, contract.file).not.toContain(status);
    }
    expect(ivyContract.lifecycles[0]!.unplaced.map((u) => u.status)).toEqual(["authorised"]);
  });

  it("follows a payout through its own table, beside an order, each by its own id", () => {
    const created = getFixture("ivy", "payout.created", "pending-iban");
    const initiated = getFixture("ivy", "payout.initiated", "pending-iban");
    const paid = getFixture("ivy", "payout.paid", "paid-iban");
    const order = getFixture("ivy", "order_created", "waiting-for-payment");
    const report = checkSequence("ivy", [created, order, initiated, paid]);
    expect(report).toMatchObject({ ok: true, subjects: [created.payload.id, order.payload.id] });
    // A payout that fails after it was paid: the payout table lists no such transition.
    const failed = {
      ...getFixture("ivy", "payout.failed", "failed-account-closed"),
      payload: { ...getFixture("ivy", "payout.failed", "failed-account-closed").payload, id: created.payload.id, updated_at: "2026-05-12T09:20:00.000Z" },
    };
    const late = checkSequence("ivy", [created, paid, failed]);
    expect(kinds(late)).toEqual([["unlisted-transition", 2, 1]]);
    expect(late.findings[0]!.message).toContain('the Ivy payout lifecycle lists; after "paid" it lists "returned"');
  });

  it("says a status it knows but no source places is not checked (an order authorised, Ivy's legacy status)", () => {
    const created = getFixture("ivy", "order_created", "waiting-for-payment");
    const authorised = { ...created, id: "authorised-event", payload: { ...created.payload, status: "authorised", updatedAt: "2030-01-01T00:00:00.000Z" } };
    const report = checkSequence("ivy", [created, authorised]);
    expect(kinds(report)).toEqual([["unlisted-transition", 1, 0]]);
    expect(report.findings[0]!.message).toBe(
      '"waiting_for_payment" (delivery #1) -> "authorised" not checked: "authorised" is a status the Ivy order lifecycle knows but does not place (no source shows its transitions)',
    );
    // In one payload it is a known value we only infer: typed, and a warning in tolerant mode.
    expect(validateWebhook("ivy", authorised).warnings.map((w) => [w.path, w.keyword, w.inferred])).toEqual([["/payload/status", "x-known-values", true]]);
  });
});

describe("a status inside if/then/else branches (Ivy's two generations of one event name)", () => {
  const ivyContract = contracts.find((p) => p.name === "ivy")!;
  const ivy = (message: string, name: string) => getFixture("ivy", message as never, name as never) as { payload: Record<string, unknown> };

  it("reads the statuses of every branch: the older service API's return statuses it does not place are unplaced", () => {
    const of = (name: string) => ivyContract.lifecycles.find((l) => l.name === name)!;
    expect(of("return").statuses).toEqual(["pending", "paid", "failed", "returned"]);
    expect(of("return").unplaced.map((u) => u.status)).toEqual(["initiated", "succeeded"]);
    expect(of("deposit").statuses).toContain("received");
  });

  // [what, deliveries as [message, fixture], findings as [kind, index, otherIndex], subjects]
  const cases: [string, [string, string][], [string, number, number | undefined][], number][] = [
    [
      "an older return.initiated (no status, no id) after a newer one",
      [
        ["return.initiated", "pending-eur"],
        ["return.initiated", "service-api-from-docs-template"],
      ],
      [],
      1,
    ],
    ["an older return.failed of the older revision (no status) alone", [["return.failed", "service-api-from-older-docs-template"]], [], 0],
    [
      "an older deposit.received of the older revision (no status) after a newer one",
      [
        ["deposit.received", "received-sepa-instant-iban"],
        ["deposit.received", "service-api-from-older-docs-template"],
      ],
      [],
      1,
    ],
    ["an older deposit.received of the current revision (status received): a step", [["deposit.received", "service-api-from-docs-template"]], [], 1],
    [
      "older return.failed then return.returned of one return (failed is final)",
      [
        ["return.failed", "service-api-from-docs-template"],
        ["return.returned", "service-api-from-docs-template"],
      ],
      [["unlisted-transition", 1, 0]],
      1,
    ],
  ];
  it.each(cases)("%s", (_what, deliveries, findings, subjects) => {
    const bodies = deliveries.map(([message, name]) => ivy(message, name));
    for (const body of bodies) expect(validateWebhook("ivy", body, { mode: "strict" }).ok).toBe(true);
    const report = checkSequence("ivy", bodies);
    expect(kinds(report)).toEqual(findings);
    expect(report.subjects.length).toBe(subjects);
  });

  it("says it does not check an older status the lifecycle does not place, and does not crash on one without a status", () => {
    const initiated = ivy("return.failed", "service-api-from-docs-template");
    initiated.payload = { ...initiated.payload, status: "initiated" };
    const returned = ivy("return.returned", "service-api-from-docs-template");
    const report = checkSequence("ivy", [initiated, returned]);
    expect(kinds(report)).toEqual([["unlisted-transition", 1, 0]]);
    expect(report.findings[0]!.message).toContain('"initiated" is a status the Ivy return lifecycle knows but does not place');
    const noStatus = ivy("return.failed", "service-api-from-docs-template");
    delete noStatus.payload.status;
    expect(validateWebhook("ivy", noStatus)).toMatchObject({ ok: true, warnings: [] });
    expect(checkSequence("ivy", [noStatus, returned])).toMatchObject({ ok: true, findings: [] });
  });
});
