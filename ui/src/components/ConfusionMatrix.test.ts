import { describe, expect, it } from "vitest";
import { render } from "@testing-library/svelte";
import ConfusionMatrix from "./ConfusionMatrix.svelte";

describe("ConfusionMatrix", () => {
  it("renders one cell per class pair with its count, rows true and columns predicted", () => {
    const { getByTestId } = render(ConfusionMatrix, { matrix: [[7, 3], [1, 9]], classes: ["cat", "bird"], perClass: [0.7, 0.9] });
    const t = getByTestId("confusion");
    const rows = [...t.querySelectorAll("tbody tr")];
    expect(rows.map((r) => r.querySelector("th")!.textContent)).toEqual(["cat", "bird"]);
    const cells = [...t.querySelectorAll("td[data-count]")];
    expect(cells.map((c) => c.textContent!.trim())).toEqual(["7", "3", "1", "9"]);
    expect(cells[1].getAttribute("data-true")).toBe("cat");
    expect(cells[1].getAttribute("data-predicted")).toBe("bird");
    expect((cells[1] as HTMLElement).style.background).toBe("rgb(249, 182, 161)");
    expect(cells[3].classList.contains("diag")).toBe(true);
    expect([...t.querySelectorAll(".accval")].map((e) => e.textContent)).toEqual(["70", "90"]);
  });

  it("shows – for a class without held-out images, not 0", () => {
    const { getByTestId } = render(ConfusionMatrix, { matrix: [[7, 3], [0, 0]], classes: ["cat", "bird"], perClass: [0.7, null] });
    const values = [...getByTestId("confusion").querySelectorAll(".accval")].map((e) => e.textContent);
    expect(values).toEqual(["70", "–"]);
  });
});
