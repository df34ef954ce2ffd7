// Optional camera scanning for the check-in page. Where the browser has the BarcodeDetector API
// and a camera, a button starts the camera; the first QR code seen fills the field and is sent.
// Without it, a handheld scanner (which types like a keyboard) or the keyboard does the same.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("camera-scan");
  const video = document.getElementById("camera");
  const form = document.getElementById("scan-form");
  const field = form && form.querySelector("input[name='payload']");
  if (!button || !video || !field || !("BarcodeDetector" in window) || !navigator.mediaDevices) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", async () => {
    button.disabled = true;
    let stream;
    try {
      const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      const look = async () => {
        const codes = await detector.detect(video);
        if (codes.length > 0) {
          stream.getTracks().forEach((track) => track.stop());
          field.value = codes[0].rawValue;
          form.submit();
          return;
        }
        window.setTimeout(look, 200);
      };
      look();
    } catch (error) {
      // No camera, or permission refused: typing and handheld scanners still work.
      if (stream) {
        stream.getTracks().forEach((track) => track.stop());
      }
      video.hidden = true;
      button.disabled = false;
      field.focus();
    }
  });
});
