// The session page: a press on a transcript line's time plays the recording from there, and
// the line being heard is highlighted as the recording plays.
(() => {
  const audio = document.getElementById("recording");
  const rows = [...document.querySelectorAll("#transcript tr[data-start]")];
  if (!audio || !rows.length) return;
  const starts = rows.map((row) => Number(row.dataset.start));
  for (const row of rows) {
    row.querySelector("button.seek")?.addEventListener("click", () => {
      audio.currentTime = Math.max(0, Number(row.dataset.start) - 0.3);
      audio.play();
    });
  }
  audio.addEventListener("timeupdate", () => {
    let current = -1;
    starts.forEach((start, i) => { if (start <= audio.currentTime + 0.3) current = i; });
    rows.forEach((row, i) => row.classList.toggle("playing", i === current));
  });
})();
