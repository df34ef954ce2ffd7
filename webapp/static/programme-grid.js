// Drag a session onto an empty slot of the programme grid to move it there, keeping its length.
// It only fills in the session's own "Move / resize" form and submits it: without this script
// the form does the same job by hand.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const grid = document.querySelector(".programme-grid");
  if (!grid) return;
  const rooms = Array.from(grid.querySelectorAll("thead th[data-room]")).flatMap((header) =>
    Array(Number(header.colSpan) || 1).fill(header.dataset.room)
  );

  // Which column each body cell sits in, once rowspans are counted: columns[row][column].
  const bodyRows = Array.from(grid.tBodies[0].rows);
  const columns = bodyRows.map(() => []);
  bodyRows.forEach((row, rowIndex) => {
    let column = 0;
    for (const cell of row.cells) {
      if (cell.tagName === "TH") continue;
      while (columns[rowIndex][column]) column += 1;
      for (let k = 0; k < cell.rowSpan && rowIndex + k < bodyRows.length; k += 1) {
        columns[rowIndex + k][column] = cell;
      }
      column += 1;
    }
  });

  // The room and start time of an empty cell, from its column and its row's time.
  function slotOf(cell) {
    const rowIndex = bodyRows.indexOf(cell.parentElement);
    const column = columns[rowIndex].indexOf(cell);
    return { room: rooms[column], time: cell.parentElement.querySelector("th").textContent.trim() };
  }

  function minutes(text) {
    const [hours, mins] = text.split(":").map(Number);
    return hours * 60 + mins;
  }

  function clock(total) {
    const wrapped = ((total % 1440) + 1440) % 1440;
    return `${String(Math.floor(wrapped / 60)).padStart(2, "0")}:${String(wrapped % 60).padStart(2, "0")}`;
  }

  let dragged = null;
  grid.querySelectorAll(".grid-session").forEach((cell) => {
    cell.addEventListener("dragstart", (event) => {
      dragged = cell;
      event.dataTransfer.setData("text/plain", cell.id);
    });
  });
  grid.querySelectorAll(".grid-empty").forEach((cell) => {
    cell.addEventListener("dragover", (event) => {
      if (dragged) {
        event.preventDefault();
        cell.classList.add("drop-target");
      }
    });
    cell.addEventListener("dragleave", () => cell.classList.remove("drop-target"));
    cell.addEventListener("drop", (event) => {
      event.preventDefault();
      if (!dragged) return;
      const form = dragged.querySelector("form.move-form");
      const start = form.querySelector("input[name=start_time]");
      const end = form.querySelector("input[name=end_time]");
      const slot = slotOf(cell);
      const length = minutes(end.value) - minutes(start.value);
      start.value = slot.time;
      end.value = clock(minutes(slot.time) + length);
      form.querySelector("select[name=room]").value = slot.room;
      form.submit();
    });
  });
});
